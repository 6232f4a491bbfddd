# settleflow — the two commands are `make demo` and `make test`.
SHELL := /bin/bash
GO ?= go
CACHE_DIR := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/settleflow
TEMPORAL_CLI := $(CACHE_DIR)/temporal-1.5.1
BIN := bin/settleflow

.PHONY: demo test chaos build temporal-cli postgres chromium vet stop clean

## demo: run one settlement cycle end to end on local Postgres and Temporal
demo: build temporal-cli postgres
	$(BIN) dev --log-level warn

## test: formatting, vet, unit, workflow, integration and browser tests
test: temporal-cli postgres chromium vet
	$(GO) test -count=1 -timeout 25m ./...

## chaos: the full fault matrix (make test runs a short one): kills the worker
## inside every step and restarts Temporal and the machine's PostgreSQL
## mid-cycle; everything else using that PostgreSQL fails meanwhile
chaos: temporal-cli postgres
	SETTLEFLOW_CHAOS=1 $(GO) test -count=1 -timeout 45m -parallel 3 -run 'TestChaosMatrix' -v ./internal/e2e/

build:
	$(GO) build -o $(BIN) ./cmd/settleflow

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

## temporal-cli: build the pinned Temporal CLI once into the user cache
temporal-cli: $(TEMPORAL_CLI)

# The version is in the file name, so a clone newer than the cache never
# forces a rebuild.
$(TEMPORAL_CLI):
	@mkdir -p $(CACHE_DIR)
	@echo "building Temporal CLI v1.5.1 from the Go module proxy (first time only, ~6 min)"
	cd tools && $(GO) build -o $(TEMPORAL_CLI).partial github.com/temporalio/cli/cmd/temporal
	mv $(TEMPORAL_CLI).partial $(TEMPORAL_CLI)

## postgres: start the local cluster if nothing answers on 127.0.0.1:5432
postgres:
	@if [ -z "$$SETTLEFLOW_DATABASE_URL" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then \
	  echo "starting local PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -n | tail -1) main start; \
	fi

## chromium: install Debian's chromium for the console's browser tests,
## unless one is on PATH (or SETTLEFLOW_CHROMIUM names one)
chromium:
	@if [ -n "$$SETTLEFLOW_CHROMIUM" ] || command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then exit 0; fi; \
	  if ! command -v apt-get >/dev/null; then \
	    echo "chromium is needed for the browser tests and apt-get is not available:"; \
	    echo "install Chromium and put it on PATH, or set SETTLEFLOW_CHROMIUM to its path"; exit 1; \
	  fi; \
	  SUDO=; if [ "$$(id -u)" != 0 ]; then SUDO=sudo; fi; \
	  echo "installing chromium from the Debian archive (first time only)"; \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y chromium || \
	    { $$SUDO apt-get -o DPkg::Lock::Timeout=600 update && $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y chromium; }

## stop: stop the Temporal dev server the demo left running
stop: build
	$(BIN) temporal stop

clean:
	rm -rf bin .state test-artifacts

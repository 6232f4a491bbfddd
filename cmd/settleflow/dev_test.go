package main

import (
	"context"
	"crypto/rand"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/devserver"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// What `make demo` runs, end to end on a database, a dev server and a
// state directory of its own: the first run settles the demo scope's day
// from all five sources and prints the reconciliation, the shares, the
// balanced books and the statement; a second run reports that result
// instead of settling twice.
func TestDevSettlesOnceAndReports(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	admin, err := store.WithDatabase(testenv.ServerURL(), "settleflow_test_dev_"+strings.ToLower(rand.Text()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := store.DropDatabase(context.Background(), admin); err != nil {
			t.Error(err)
		}
	})
	app, err := store.RoleURL(admin, store.AppRole)
	if err != nil {
		t.Fatal(err)
	}
	stateDir := t.TempDir()
	t.Cleanup(func() {
		if err := devserver.StopTemporal(stateDir); err != nil {
			t.Errorf("stop the dev server: %v", err)
		}
	})
	dev := []string{"dev", "--serve=false", "--period", "2026-11-01", "--state-dir", stateDir, "--log-level", "warn",
		"--temporal-address", freeDevAddress(t), "--database-url", app, "--migrate-database-url", admin}

	out, err := runCLIContext(ctx, dev...)
	if err != nil {
		t.Fatalf("dev: %v\n%s", err, out)
	}
	for _, want := range []string{"— COMPLETED", "sources     aggregator ", " · wallet ", " · payments ", " · affiliates ",
		" · rates ", "reconcile   ", "breaks      ", "most urgent", "resolve     ", "acme-games owed",
		"ledger      balanced in every currency", "statement   acme-games sha256 "} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo's report lacks %q:\n%s", want, out)
		}
	}

	again, err := runCLIContext(ctx, dev...)
	if err != nil {
		t.Fatalf("dev again: %v\n%s", err, again)
	}
	st, err := store.Open(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var cycles int
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM cycles`).Scan(&cycles); err != nil || cycles != 1 {
		t.Fatalf("%d cycles after two runs (%v), want one:\n%s", cycles, err, again)
	}
	if !strings.Contains(again, "statement   acme-games sha256 ") {
		t.Errorf("the second run does not report the settled result:\n%s", again)
	}
}

// freeDevAddress is a loopback address whose port, and the port 1000
// above it (the dev server's UI), are free.
func freeDevAddress(t *testing.T) string {
	t.Helper()
	for range 50 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if port > 65535-1000 {
			continue
		}
		ui, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+1000))
		if err != nil {
			continue
		}
		ui.Close()
		return "127.0.0.1:" + strconv.Itoa(port)
	}
	t.Fatal("no free pair of ports for a dev server")
	return ""
}

// Package bench measures one settlement cycle on this machine. It settles
// a simulated feed of a chosen size with the worker and the simulator in
// processes of their own, so their CPU and memory are theirs, and reports
// time and CPU per step, history and staging size, and how the whole
// compares with a bare COPY of the same rows into Postgres.
package bench

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/store"
)

// DefaultPeriod is the period the bench settles: a fixed day in the past,
// so every run pulls the same simulated records.
const DefaultPeriod = "2026-11-01"

// Options say what to settle and where.
type Options struct {
	Records  int      // about how many records to settle
	Kinds    []string // one source per kind
	Period   string   // of the bench's daily UTC calendar
	Seed     int64    // the simulator's
	PageSize int      // the sources' page_size; 0 leaves the scope default
	// KeepDB keeps the database, the namespace and the work directory for
	// a look afterwards.
	KeepDB bool
	// DatabaseURL names the Postgres server; the bench creates a database
	// of its own there (starting local Postgres if it is down).
	DatabaseURL string
	// TemporalAddress is reused when a server answers there; otherwise the
	// dev server is started there and stopped at the end.
	TemporalAddress string
	// Executable is the settleflow binary the simulator and the worker run.
	Executable string
	Log        *slog.Logger
	// Watch, when set, is called once the cycle has started (to show its
	// progress); the function it returns is called once the cycle has ended.
	Watch func(ctx context.Context, c client.Client, workflowID, runID string) (stop func())
}

func (o *Options) check() error {
	if o.Records <= 0 {
		return fmt.Errorf("--records must be positive, not %d", o.Records)
	}
	if o.Period == "" {
		o.Period = DefaultPeriod
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Executable == "" {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("the settleflow binary to run the worker with: %w", err)
		}
		o.Executable = exe
	}
	return checkKinds(o.Kinds)
}

// run is one bench run: what it set up, and how to take it down again.
type run struct {
	o        Options
	dir      string
	dbName   string
	dbURL    string
	temporal temporalServer
	ns       string
	c        client.Client
	cat      catalog.Catalog
	sims     []*child
	worker   *child
	// sourceURLs point the worker's sources at the simulators
	// (SETTLEFLOW_SOURCE_<SCOPE>_<SOURCE>_URL=…).
	sourceURLs []string
	undo       []func(context.Context) error // run newest first
}

// Run sets up, settles one period, measures it and takes everything down
// again, also when it fails or ctx is cancelled (Ctrl-C).
func Run(ctx context.Context, o Options) (Result, error) {
	if err := o.check(); err != nil {
		return Result{}, err
	}
	r := &run{o: o}
	defer r.cleanup()
	if err := r.prepare(ctx); err != nil {
		return Result{}, err
	}
	return r.measure(ctx)
}

func (r *run) onCleanup(undo func(context.Context) error) { r.undo = append(r.undo, undo) }

// cleanup undoes the set-up newest first, in a context of its own: the
// run's may be cancelled already. A failure is logged, not returned, so
// it cannot hide the run's own outcome.
func (r *run) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := len(r.undo) - 1; i >= 0; i-- {
		if err := r.undo[i](ctx); err != nil {
			r.o.Log.Warn("bench cleanup", "error", err)
		}
	}
}

func (r *run) prepare(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "settleflow-bench-")
	if err != nil {
		return err
	}
	r.dir = dir
	r.onCleanup(func(context.Context) error { return r.unlessKept(func() error { return os.RemoveAll(dir) }) })
	if err := writeConfig(r.configDir(), r.o.Kinds, r.o.PageSize); err != nil {
		return fmt.Errorf("bench config: %w", err)
	}
	if r.cat, err = catalog.Load(r.configDir()); err != nil {
		return fmt.Errorf("bench config: %w", err)
	}
	if err := r.prepareDatabase(ctx); err != nil {
		return err
	}
	if err := r.prepareTemporal(ctx); err != nil {
		return err
	}
	if err := r.startSimulators(ctx); err != nil {
		return err
	}
	return r.startWorker(ctx)
}

func (r *run) configDir() string { return filepath.Join(r.dir, "config") }

func (r *run) unlessKept(undo func() error) error {
	if r.o.KeepDB {
		return nil
	}
	return undo()
}

func (r *run) prepareDatabase(ctx context.Context) error {
	r.dbName = "settleflow_bench_" + randomSuffix()
	var err error
	r.dbURL, err = createDatabase(ctx, r.o.DatabaseURL, r.dbName, r.o.Log)
	if r.dbURL != "" {
		r.onCleanup(func(ctx context.Context) error {
			return r.unlessKept(func() error { return store.DropDatabase(ctx, r.dbURL) })
		})
	}
	return err
}

func (r *run) prepareTemporal(ctx context.Context) error {
	var err error
	if r.temporal, err = ensureTemporal(ctx, r.o.TemporalAddress, r.dir, r.o.Log); err != nil {
		return err
	}
	r.onCleanup(func(context.Context) error { return r.temporal.stop() })
	r.ns = "settleflow-bench-" + randomSuffix()
	if r.c, err = platform.Dial(ctx, platform.TemporalOptions{Address: r.temporal.address, Namespace: r.ns}, r.o.Log); err != nil {
		return err
	}
	r.onCleanup(func(context.Context) error { r.c.Close(); return nil })
	if err := registerNamespace(ctx, r.c, r.ns); err != nil {
		return err
	}
	r.onCleanup(func(ctx context.Context) error {
		if r.temporal.started { // its whole state goes with it
			return nil
		}
		return r.unlessKept(func() error { return deleteNamespace(ctx, r.c, r.ns) })
	})
	return nil
}

// stopChild is the cleanup of a child process.
func stopChild(c *child) func(context.Context) error {
	return func(context.Context) error { c.stop(10 * time.Second); return nil }
}

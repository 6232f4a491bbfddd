// Package testenv gives integration tests the real infrastructure: one
// Temporal dev server per test binary (the pinned CLI, on a free port) and
// a fresh PostgreSQL database per test, dropped afterwards.
package testenv

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/settleflow/settleflow/internal/devserver"
	temporalconfig "github.com/settleflow/settleflow/temporal-config"
)

// Temporal is a dev server shared by the tests of one package, or one
// test's own (StartTemporalWith) when the test restarts it.
type Temporal struct {
	dev       *testsuite.DevServer
	opts      testsuite.DevServerOptions
	Address   string
	Namespace string
}

// TemporalOptions shape a dev server of a test's own.
type TemporalOptions struct {
	// DBFile keeps the server's state in a SQLite file, so a Restart
	// resumes every workflow where it was; empty keeps it in memory.
	DBFile string
}

// StartTemporal starts the dev server with settleflow's namespace, search
// attributes and dynamic config. Call it from TestMain and Stop it after.
func StartTemporal(ctx context.Context) (*Temporal, error) {
	return StartTemporalWith(ctx, TemporalOptions{})
}

// StartTemporalWith starts a dev server as StartTemporal does, on a free
// port, with o's options.
func StartTemporalWith(ctx context.Context, o TemporalOptions) (*Temporal, error) {
	bin, err := devserver.EnsureBinary(ctx, slog.Default())
	if err != nil {
		return nil, err
	}
	cfg, err := temporalconfig.Default()
	if err != nil {
		return nil, err
	}
	extra, err := cfg.ExtraArgs()
	if err != nil {
		return nil, err
	}
	t := &Temporal{Namespace: cfg.Namespace, opts: testsuite.DevServerOptions{
		ExistingPath:  bin,
		ClientOptions: &client.Options{Namespace: cfg.Namespace, Logger: quietLogger()},
		DBFilename:    o.DBFile,
		LogLevel:      "error",
		ExtraArgs:     append(extra, "--headless"),
		Stdout:        io.Discard,
		Stderr:        os.Stderr,
	}}
	if err := t.start(ctx); err != nil {
		return nil, err
	}
	t.Address = t.dev.FrontendHostPort()
	// A restart binds the same port, so clients and workers reconnect.
	t.opts.ClientOptions.HostPort = t.Address
	return t, nil
}

func (t *Temporal) start(ctx context.Context) error {
	opts := t.opts
	co := *t.opts.ClientOptions // the server fills in what it is given
	opts.ClientOptions = &co
	dev, err := testsuite.StartDevServer(ctx, opts)
	if err != nil {
		return fmt.Errorf("start temporal dev server %s: %w", opts.ExistingPath, err)
	}
	t.dev = dev
	return nil
}

// Restart stops the server, waits down, and starts it again on the same
// port and database file, as an operator restarting Temporal would.
func (t *Temporal) Restart(ctx context.Context, down time.Duration) error {
	if t.opts.DBFilename == "" {
		return fmt.Errorf("temporal dev server at %s keeps its state in memory: a restart would lose it", t.Address)
	}
	if err := t.dev.Stop(); err != nil {
		return fmt.Errorf("stop temporal dev server: %w", err)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(down):
	}
	return t.start(ctx)
}

// Stop ends the dev server.
func (t *Temporal) Stop() error { return t.dev.Stop() }

// Client dials the dev server for one test and closes it after.
func (t *Temporal) Client(tb testing.TB) client.Client {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.DialContext(ctx, client.Options{HostPort: t.Address, Namespace: t.Namespace, Logger: quietLogger()})
	if err != nil {
		tb.Fatalf("dial temporal %s: %v", t.Address, err)
	}
	tb.Cleanup(c.Close)
	return c
}

// Main runs a package's tests against a fresh dev server.
func Main(m *testing.M, t **Temporal) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	server, err := StartTemporal(ctx)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		os.Exit(1)
	}
	*t = server
	code := m.Run()
	if err := server.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "testenv: stop temporal:", err)
	}
	os.Exit(code)
}

func quietLogger() sdklog.Logger {
	return sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

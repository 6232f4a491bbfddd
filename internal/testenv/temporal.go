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

// Temporal is a dev server shared by the tests of one package.
type Temporal struct {
	dev       *testsuite.DevServer
	Address   string
	Namespace string
}

// StartTemporal starts the dev server with settleflow's namespace, search
// attributes and dynamic config. Call it from TestMain and Stop it after.
func StartTemporal(ctx context.Context) (*Temporal, error) {
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
	dev, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  bin,
		ClientOptions: &client.Options{Namespace: cfg.Namespace, Logger: quietLogger()},
		LogLevel:      "error",
		ExtraArgs:     append(extra, "--headless"),
		Stdout:        io.Discard,
		Stderr:        os.Stderr,
	})
	if err != nil {
		return nil, fmt.Errorf("start temporal dev server %s: %w", bin, err)
	}
	return &Temporal{dev: dev, Address: dev.FrontendHostPort(), Namespace: cfg.Namespace}, nil
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

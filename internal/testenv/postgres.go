package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/devserver"
	"github.com/settleflow/settleflow/internal/store"
)

// ServerURL is the PostgreSQL server tests create their databases on:
// SETTLEFLOW_TEST_DATABASE_URL, else the local server.
func ServerURL() string {
	if v := os.Getenv("SETTLEFLOW_TEST_DATABASE_URL"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Database creates an empty database for one test, migrated as the
// owner role, and drops it when the test ends, so tests run in parallel
// and leave nothing behind. The store it returns connects as the
// application role, as workers do, with the test audit keys: a grant the
// application lacks fails the test. The URL is the application's too.
func Database(tb testing.TB) (*store.Store, string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := devserver.EnsurePostgres(ctx, ServerURL(), slog.Default()); err != nil {
		tb.Fatal(err)
	}
	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		tb.Fatal(err)
	}
	url, err := store.WithDatabase(ServerURL(), "settleflow_test_"+hex.EncodeToString(suffix))
	if err != nil {
		tb.Fatal(err)
	}
	if err := store.EnsureDatabase(ctx, url); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer dcancel()
		if err := store.DropDatabase(dctx, url); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
	})
	admin, err := store.Open(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	_, err = admin.Migrate(ctx)
	admin.Close()
	if err != nil {
		tb.Fatal(err)
	}
	appURL, err := store.RoleURL(url, store.AppRole)
	if err != nil {
		tb.Fatal(err)
	}
	st := open(tb, ctx, appURL)
	st.Keys = AuditKeys(tb)
	return st, appURL
}

// Superuser opens the test database dbURL names as the server's superuser,
// for what the application may not do: tamper with the books, add a
// trigger that makes a step fail.
func Superuser(tb testing.TB, dbURL string) *store.Store {
	tb.Helper()
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	url, err := store.WithDatabase(ServerURL(), cfg.Database)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return open(tb, ctx, url)
}

// open connects to url until the test ends; cleanups run last-in
// first-out, so the pool closes before its database is dropped.
func open(tb testing.TB, ctx context.Context, url string) *store.Store {
	tb.Helper()
	st, err := store.Open(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(st.Close)
	return st
}

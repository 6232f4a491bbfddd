package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"testing"
	"time"

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

// Database creates an empty, migrated database for one test and drops it
// when the test ends, so tests run in parallel and leave nothing behind.
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
	st, err := store.Open(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		st.Close()
		dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer dcancel()
		if err := store.DropDatabase(dctx, url); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
	})
	if _, err := st.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return st, url
}

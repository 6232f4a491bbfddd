package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/settleflow/settleflow/internal/store"
)

// These tests run against a real, freshly migrated PostgreSQL database per
// test: the guarantees they check (append-only tables, hash chain, deferred
// balance check, idempotent writes) are enforced by the schema and the SQL,
// so nothing here is mocked.

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

var periodStart = time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC)

// newCycle inserts a cycle row, which every other table references.
func newCycle(t testing.TB, ctx context.Context, st *store.Store) store.Cycle {
	t.Helper()
	id := uuid.New()
	c, err := st.CreateCycle(ctx, store.Cycle{
		ID: id, WorkflowID: "settle/test/" + id.String(), Scope: "test-" + id.String(), PeriodKey: "2026-11-01",
		PeriodStart: periodStart, PeriodEnd: periodStart.Add(24 * time.Hour), Revision: 1, Status: "running",
		StartedBy: "tester",
	})
	if err != nil {
		t.Fatalf("create cycle: %v", err)
	}
	return c
}

// requireRefused asserts that err is a database error raised by a trigger
// or constraint and that its message contains want.
func requireRefused(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: succeeded, want it refused", what)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		t.Fatalf("%s: error %v is not a PostgreSQL error", what, err)
	}
	if !strings.Contains(pgErr.Message, want) {
		t.Fatalf("%s: refused with %q, want a message containing %q", what, pgErr.Message, want)
	}
}

func count(t *testing.T, ctx context.Context, st *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := st.Pool.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

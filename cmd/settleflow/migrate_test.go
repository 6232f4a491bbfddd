package main

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// migrate, as the local superuser, creates the roles and leaves a database
// the owner owns, what an earlier release created in it included, and the
// application may use but not migrate.
func TestMigrateCreatesRolesAndHandsOverTheDatabase(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := store.WithDatabase(testenv.ServerURL(), "settleflow_test_migrate_"+strings.ToLower(rand.Text()))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.EnsureDatabase(ctx, admin); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := store.DropDatabase(context.Background(), admin); err != nil {
			t.Error(err)
		}
	})
	st, err := store.Open(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// What a release before the roles left behind, owned by the superuser:
	// a partitioned table's key column and a partition depend on their
	// table, yet are not part of another object and must be handed over.
	_, err = st.Pool.Exec(ctx, `CREATE TABLE earlier (id bigserial PRIMARY KEY);
		CREATE TABLE earlier_parts (day date NOT NULL, n int GENERATED ALWAYS AS (1) STORED) PARTITION BY LIST (day);
		CREATE TABLE earlier_part_1 PARTITION OF earlier_parts FOR VALUES IN ('2026-11-01');
		CREATE SEQUENCE earlier_numbers; CREATE TYPE earlier_kind AS ENUM ('a');
		CREATE FUNCTION earlier_fn() RETURNS int LANGUAGE sql AS 'SELECT 1'`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "migrate", "--migrate-database-url", admin)
	if err != nil || !strings.Contains(out, "applied") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	app, err := store.RoleURL(admin, store.AppRole)
	if err != nil {
		t.Fatal(err)
	}
	// The application finds nothing pending and changes nothing.
	if out, err := runCLI(t, "migrate", "--database-url", app); err != nil || !strings.Contains(out, "applied 0 migration(s)") {
		t.Fatalf("migrate as the application: %v\n%s", err, out)
	}
	var notOwned []string
	rows, err := st.Pool.Query(ctx, `SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace
			AND relkind IN ('r', 'p', 'S') AND relowner <> $1::regrole
		UNION ALL SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proowner <> $1::regrole
		UNION ALL SELECT typname FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype = 'e' AND typowner <> $1::regrole
		UNION ALL SELECT datname FROM pg_database WHERE datname = current_database() AND datdba <> $1::regrole`, store.OwnerRole)
	if err != nil {
		t.Fatal(err)
	}
	if notOwned, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil || len(notOwned) != 0 {
		t.Fatalf("not owned by %s: %v (%v)", store.OwnerRole, notOwned, err)
	}
	var canLogin bool
	if err := st.Pool.QueryRow(ctx, `SELECT rolcanlogin FROM pg_roles WHERE rolname = $1`, store.AppRole).Scan(&canLogin); err != nil || !canLogin {
		t.Fatalf("role %s: login %v (%v)", store.AppRole, canLogin, err)
	}
}

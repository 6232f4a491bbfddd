package store_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// The application role writes the books and cannot change them: every way
// to edit, remove or unguard a row is refused by PostgreSQL itself.
func TestApplicationRoleCannotChangeTheBooks(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, url := testenv.Database(t)
	c := newCycle(t, ctx, st)
	if err := st.AppendEvent(ctx, store.Event{CycleID: c.ID, Seq: 1, Kind: "cycle.opened"}, store.Projection{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PostEntry(ctx, settlementEntry(t, c.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PublishStatement(ctx, store.Statement{ID: uuid.New(), CycleID: c.ID, Partner: "acme", JSON: []byte(`{}`),
		CSV: "x\n", SHA256: strings.Repeat("ab", 32)}); err != nil {
		t.Fatal(err)
	}
	var who string
	if err := st.Pool.QueryRow(ctx, `SELECT current_user`).Scan(&who); err != nil || who != store.AppRole {
		t.Fatalf("the test store connects as %q (%v), want %s", who, err, store.AppRole)
	}

	refused := []struct{ sql, want string }{
		{`TRUNCATE cycle_events`, "permission denied"},
		{`TRUNCATE journal_lines`, "permission denied"},
		{`TRUNCATE journal_entries CASCADE`, "permission denied"},
		{`TRUNCATE statements`, "permission denied"},
		{`TRUNCATE audit_heads`, "permission denied"},
		{`UPDATE cycle_events SET kind = 'forged'`, "permission denied"},
		{`UPDATE cycle_events SET payload = NULL`, "permission denied"},
		{`DELETE FROM cycle_events`, "permission denied"},
		{`UPDATE journal_lines SET amount = amount * 2`, "permission denied"},
		{`DELETE FROM journal_lines`, "permission denied"},
		{`UPDATE journal_entries SET description = 'edited'`, "permission denied"},
		{`DELETE FROM journal_entries`, "permission denied"},
		{`UPDATE statements SET content_csv = 'edited'`, "permission denied"},
		{`DELETE FROM statements`, "permission denied"},
		{`DELETE FROM audit_heads`, "permission denied"},
		{`UPDATE audit_heads SET seq = 1`, "only moves forward"},
		{`INSERT INTO audit_unsealed VALUES ('journal', 99)`, "permission denied"},
		{`INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, true)`, "permission denied"},
		{`ALTER TABLE cycle_events DISABLE TRIGGER cycle_events_append_only`, "must be owner"},
		{`ALTER TABLE journal_lines DISABLE TRIGGER ALL`, "must be owner"},
		{`ALTER TABLE statements DISABLE TRIGGER statements_immutable`, "must be owner"},
		{`DROP TRIGGER journal_lines_balanced ON journal_lines`, "must be owner"},
		{`ALTER TABLE journal_lines DROP CONSTRAINT journal_lines_amount_check`, "must be owner"},
		{`CREATE TRIGGER forged BEFORE INSERT ON statements FOR EACH ROW EXECUTE FUNCTION settleflow_append_only()`, "permission denied"},
		{`CREATE OR REPLACE FUNCTION settleflow_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`, "permission denied"},
		{`DROP TABLE cycle_events`, "must be owner"},
		{`CREATE TABLE shadow (id int)`, "permission denied for schema public"},
		{`SET session_replication_role = replica`, "permission denied"},
		{`ANALYZE cycle_events; SELECT settleflow_analyze('pg_class')`, "not a table of the settleflow schema"},
	}
	for _, r := range refused {
		_, err := st.Pool.Exec(ctx, r.sql)
		requireRefused(t, r.sql, err, r.want)
	}

	// What the application may do: move a statement's status, and only that.
	if _, err := st.SetStatementStatus(ctx, c.ID, "void", "test"); err != nil {
		t.Fatalf("move a statement's status: %v", err)
	}

	// Triggers refuse TRUNCATE to the owner too: only a superuser who
	// disables them can, and the seals show it (verify_test.go).
	su := testenv.Superuser(t, url)
	for _, table := range []string{"cycle_events", "journal_lines", "statements", "audit_heads"} {
		// One implicit transaction: the failure undoes the SET ROLE too.
		_, err := su.Pool.Exec(ctx, `SET ROLE `+store.OwnerRole+`; TRUNCATE `+table+` CASCADE`)
		requireRefused(t, "owner TRUNCATE "+table, err, "append-only")
	}
}

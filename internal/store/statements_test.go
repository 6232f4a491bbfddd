package store_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

func TestStatementContentIsImmutable(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, url := testenv.Database(t)
	c := newCycle(t, ctx, st)

	s := store.Statement{ID: uuid.New(), CycleID: c.ID, Partner: "acme",
		JSON: json.RawMessage(`{"partner":"acme","lines":[{"currency":"KRW","partner_amount":12500}]}`),
		CSV:  "partner,currency,partner_amount\nacme,KRW,12500\n", SHA256: strings.Repeat("ab", 32)}
	stored, err := st.PublishStatement(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if stored.ID != s.ID || stored.Status != "published" || stored.SHA256 != s.SHA256 || stored.CSV != s.CSV {
		t.Fatalf("stored %+v", stored)
	}
	// Publishing again (a retried activity) keeps the first statement.
	again := s
	again.ID, again.CSV, again.SHA256 = uuid.New(), "changed\n", strings.Repeat("cd", 32)
	if got, err := st.PublishStatement(ctx, again); err != nil || got.ID != s.ID || got.SHA256 != s.SHA256 {
		t.Fatalf("republish: %+v %v, want the first statement back", got, err)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM statements WHERE cycle_id = $1`, c.ID); n != 1 {
		t.Fatalf("%d statements after publishing twice, want 1", n)
	}

	// The application may not even try (privileges_test.go); the trigger
	// refuses everyone else, the owner too, until a superuser disables it.
	su := testenv.Superuser(t, url)
	_, err = su.Pool.Exec(ctx, `UPDATE statements SET content_json = '{"partner":"acme","lines":[]}' WHERE id = $1`, s.ID)
	requireRefused(t, "UPDATE content_json", err, "immutable")
	_, err = su.Pool.Exec(ctx, `UPDATE statements SET content_csv = 'x' WHERE id = $1`, s.ID)
	requireRefused(t, "UPDATE content_csv", err, "immutable")
	_, err = su.Pool.Exec(ctx, `UPDATE statements SET sha256 = $2 WHERE id = $1`, s.ID, strings.Repeat("00", 32))
	requireRefused(t, "UPDATE sha256", err, "immutable")
	_, err = su.Pool.Exec(ctx, `DELETE FROM statements WHERE id = $1`, s.ID)
	requireRefused(t, "DELETE statement", err, "never deleted")

	// The status may move, with a note; content stays as published.
	n, err := st.SetStatementStatus(ctx, c.ID, "void", "cycle compensated")
	if err != nil || n != 1 {
		t.Fatalf("void: %d rows, %v", n, err)
	}
	list, err := st.Statements(ctx, c.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("statements: %v %v", list, err)
	}
	if list[0].Status != "void" || list[0].StatusNote != "cycle compensated" || list[0].SHA256 != s.SHA256 || list[0].CSV != s.CSV {
		t.Fatalf("after void: %+v", list[0])
	}
	// Only published statements move: voiding again changes nothing.
	if n, err := st.SetStatementStatus(ctx, c.ID, "superseded", "later"); err != nil || n != 0 {
		t.Fatalf("status change of a void statement: %d rows, %v", n, err)
	}
	// And the status vocabulary is closed.
	_, err = st.Pool.Exec(ctx, `UPDATE statements SET status = 'paid' WHERE id = $1`, s.ID)
	requireRefused(t, "status paid", err, "check constraint")
}

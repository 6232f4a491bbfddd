package store_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/settle"
	"github.com/settleflow/settleflow/internal/testenv"
)

func settlementEntry(t *testing.T, cycleID uuid.UUID) ledger.Entry {
	t.Helper()
	e, err := ledger.SettlementEntry(uuid.New(), cycleID, "settlement test", []settle.Share{
		{Partner: "acme", Currency: "KRW", GGR: 100000, PartnerAmount: 12500, OperatorAmount: 87500},
		{Partner: "acme", Currency: "USD", GGR: 1001, PartnerAmount: 125, OperatorAmount: 876},
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestJournalIsAppendOnlyAndBalanced(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, url := testenv.Database(t)
	c := newCycle(t, ctx, st)
	e := settlementEntry(t, c.ID)

	posted, err := st.PostEntry(ctx, e)
	if err != nil || !posted {
		t.Fatalf("first post: posted %v err %v", posted, err)
	}
	posted, err = st.PostEntry(ctx, e)
	if err != nil || posted {
		t.Fatalf("second post: posted %v err %v, want a no-op", posted, err)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM journal_entries WHERE cycle_id = $1`, c.ID); n != 1 {
		t.Fatalf("%d entries after posting twice, want 1", n)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM journal_lines WHERE entry_id = $1`, e.ID); n != len(e.Lines) {
		t.Fatalf("%d lines after posting twice, want %d", n, len(e.Lines))
	}
	stored, err := st.Entry(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Lines) != len(e.Lines) {
		t.Fatalf("stored %d lines, want %d", len(stored.Lines), len(e.Lines))
	}
	for i := range e.Lines {
		if stored.Lines[i] != e.Lines[i] {
			t.Errorf("line %d: stored %+v, posted %+v", i+1, stored.Lines[i], e.Lines[i])
		}
	}

	// The application may not even try (privileges_test.go); the triggers
	// refuse everyone else, the owner too, until a superuser disables them.
	su := testenv.Superuser(t, url)
	_, err = su.Pool.Exec(ctx, `UPDATE journal_lines SET amount = amount + 1 WHERE entry_id = $1`, e.ID)
	requireRefused(t, "UPDATE journal_lines", err, "append-only")
	_, err = su.Pool.Exec(ctx, `DELETE FROM journal_lines WHERE entry_id = $1`, e.ID)
	requireRefused(t, "DELETE journal_lines", err, "append-only")
	_, err = su.Pool.Exec(ctx, `UPDATE journal_entries SET description = 'edited' WHERE id = $1`, e.ID)
	requireRefused(t, "UPDATE journal_entries", err, "append-only")
	_, err = su.Pool.Exec(ctx, `DELETE FROM journal_entries WHERE id = $1`, e.ID)
	requireRefused(t, "DELETE journal_entries", err, "append-only")

	// The Go side refuses an unbalanced entry before it reaches SQL...
	bad := ledger.Entry{ID: uuid.New(), CycleID: c.ID, Kind: ledger.KindSettlement, Description: "bad",
		Lines: []ledger.Line{{Account: "a", Currency: "KRW", Amount: 100}, {Account: "b", Currency: "KRW", Amount: -99}}}
	if _, err := st.PostEntry(ctx, bad); err == nil {
		t.Fatal("PostEntry of an unbalanced entry succeeded")
	}

	// ...and the database refuses one written by raw SQL, at commit: each
	// statement succeeds, the deferred constraint trigger fails the commit.
	rawEntry := func(amounts ...int64) (insertErr, commitErr error, id uuid.UUID) {
		id = uuid.New()
		tx, err := st.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `INSERT INTO journal_entries (id, cycle_id, kind, description) VALUES ($1, $2, 'settlement', 'raw')`, id, c.ID); err != nil {
			return err, nil, id
		}
		for i, a := range amounts {
			if _, err := tx.Exec(ctx, `INSERT INTO journal_lines (entry_id, line_no, account, currency, amount) VALUES ($1, $2, $3, 'EUR', $4)`,
				id, i+1, "acct-"+string(rune('a'+i)), a); err != nil {
				return err, nil, id
			}
		}
		return nil, tx.Commit(ctx), id
	}
	insertErr, commitErr, badID := rawEntry(500, -300, -199)
	if insertErr != nil {
		t.Fatalf("raw unbalanced inserts failed before commit: %v", insertErr)
	}
	requireRefused(t, "COMMIT of an unbalanced entry", commitErr, "unbalanced")
	if n := count(t, ctx, st, `SELECT count(*) FROM journal_entries WHERE id = $1`, badID); n != 0 {
		t.Fatal("the refused entry was stored")
	}
	// The same path with balanced lines commits: the trigger is what refused.
	insertErr, commitErr, goodID := rawEntry(500, -300, -200)
	if insertErr != nil || commitErr != nil {
		t.Fatalf("raw balanced entry: insert %v commit %v", insertErr, commitErr)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM journal_lines WHERE entry_id = $1`, goodID); n != 3 {
		t.Fatalf("balanced raw entry has %d lines, want 3", n)
	}

	// A reversal nets every account of the cycle to zero.
	rev := stored.Reversal(uuid.New(), "reversal test")
	if posted, err := st.PostEntry(ctx, rev); err != nil || !posted {
		t.Fatalf("post reversal: posted %v err %v", posted, err)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM (SELECT account, currency FROM journal_lines l
		JOIN journal_entries e ON e.id = l.entry_id WHERE e.id IN ($1, $2)
		GROUP BY account, currency HAVING sum(amount) <> 0) x`, e.ID, rev.ID); n != 0 {
		t.Fatalf("%d accounts not netted by the reversal", n)
	}
	// A reversal must say what it reverses.
	_, err = st.Pool.Exec(ctx, `INSERT INTO journal_entries (id, cycle_id, kind, description) VALUES ($1, $2, 'reversal', 'orphan')`,
		uuid.New(), c.ID)
	requireRefused(t, "reversal without reverses", err, "check constraint")
}

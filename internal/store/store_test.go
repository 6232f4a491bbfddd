package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/source/provider"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
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
func newCycle(t *testing.T, ctx context.Context, st *store.Store) store.Cycle {
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

func TestEventLogIsHashChainedAndAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newCycle(t, ctx, st)

	step := "pull"
	appends := []struct {
		e store.Event
		p store.Projection
	}{
		{store.Event{Seq: 1, Kind: "cycle.opened", Payload: json.RawMessage(`{"scope": "x", "n": 1}`)}, store.Projection{}},
		{store.Event{Seq: 2, Kind: "step.started", Step: "pull"}, store.Projection{CurrentStep: &step}},
		{store.Event{Seq: 3, Kind: "step.completed", Step: "pull", Actor: "worker", Payload: json.RawMessage(`{"counts":{"staged":9}}`)},
			store.Projection{Status: "compensating"}},
	}
	for _, a := range appends {
		a.e.CycleID = c.ID
		if err := st.AppendEvent(ctx, a.e, a.p); err != nil {
			t.Fatalf("append %d: %v", a.e.Seq, err)
		}
	}
	if err := st.VerifyEvents(ctx, c.ID); err != nil {
		t.Fatalf("verify a clean log: %v", err)
	}

	events, err := st.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 3 {
		t.Fatalf("%d events, want 3", len(events))
	}
	hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
	prev := strings.Repeat("0", 64)
	for i, e := range events {
		if e.Seq != i+1 || e.PrevHash != prev || !hex64.MatchString(e.Hash) || e.Hash == prev {
			t.Fatalf("event %d: seq %d prev %s hash %s; want a chain from %s", i, e.Seq, e.PrevHash, e.Hash, prev)
		}
		prev = e.Hash
	}

	// The projection moved with the events, in the same transaction.
	got, err := st.Cycle(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "compensating" || got.CurrentStep != "pull" {
		t.Errorf("projection: status %q step %q, want compensating / pull", got.Status, got.CurrentStep)
	}

	// A retried append of a recorded sequence number is a no-op, even when
	// its content differs: the first write wins and the chain is intact.
	if err := st.AppendEvent(ctx, store.Event{CycleID: c.ID, Seq: 2, Kind: "something.else"}, store.Projection{Status: "bogus"}); err != nil {
		t.Fatalf("re-append seq 2: %v", err)
	}
	again, err := st.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 3 || again[1].Kind != "step.started" || again[1].Hash != events[1].Hash {
		t.Fatalf("re-append changed the log: %+v", again)
	}
	if got, _ := st.Cycle(ctx, c.ID); got.Status != "compensating" {
		t.Errorf("re-append moved the projection to %q", got.Status)
	}

	// A gap is an error and writes nothing.
	err = st.AppendEvent(ctx, store.Event{CycleID: c.ID, Seq: 5, Kind: "gap"}, store.Projection{})
	if err == nil || !strings.Contains(err.Error(), "log ends at 3") {
		t.Fatalf("append seq 5 after 3: err = %v, want a gap error", err)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM cycle_events WHERE cycle_id = $1`, c.ID); n != 3 {
		t.Fatalf("%d events after the refused gap, want 3", n)
	}

	// The table refuses edits and deletes.
	_, err = st.Pool.Exec(ctx, `UPDATE cycle_events SET kind = 'forged' WHERE cycle_id = $1 AND seq = 2`, c.ID)
	requireRefused(t, "UPDATE cycle_events", err, "append-only")
	_, err = st.Pool.Exec(ctx, `DELETE FROM cycle_events WHERE cycle_id = $1 AND seq = 3`, c.ID)
	requireRefused(t, "DELETE cycle_events", err, "append-only")

	// Verification is not vacuous: with the guard lifted (only a superuser
	// can), a forged payload breaks the chain at that event.
	tamper := func(sql string) {
		t.Helper()
		err := pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `ALTER TABLE cycle_events DISABLE TRIGGER cycle_events_append_only`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, sql, c.ID); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `ALTER TABLE cycle_events ENABLE TRIGGER cycle_events_append_only`)
			return err
		})
		if err != nil {
			t.Fatalf("tamper: %v", err)
		}
	}
	tamper(`UPDATE cycle_events SET payload = '{"counts":{"staged":10}}' WHERE cycle_id = $1 AND seq = 3`)
	if err := st.VerifyEvents(ctx, c.ID); err == nil || !strings.Contains(err.Error(), "broken at seq 3") {
		t.Fatalf("verify a forged log: %v, want broken at seq 3", err)
	}
	tamper(`DELETE FROM cycle_events WHERE cycle_id = $1 AND seq = 2`)
	if err := st.VerifyEvents(ctx, c.ID); err == nil {
		t.Fatal("verify a log with a deleted event: passed")
	}
}

func settlementEntry(t *testing.T, cycleID uuid.UUID) ledger.Entry {
	t.Helper()
	e, err := ledger.SettlementEntry(uuid.New(), cycleID, "settlement test", []ledger.Share{
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
	st, _ := testenv.Database(t)
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

	_, err = st.Pool.Exec(ctx, `UPDATE journal_lines SET amount = amount + 1 WHERE entry_id = $1`, e.ID)
	requireRefused(t, "UPDATE journal_lines", err, "append-only")
	_, err = st.Pool.Exec(ctx, `DELETE FROM journal_lines WHERE entry_id = $1`, e.ID)
	requireRefused(t, "DELETE journal_lines", err, "append-only")
	_, err = st.Pool.Exec(ctx, `UPDATE journal_entries SET description = 'edited' WHERE id = $1`, e.ID)
	requireRefused(t, "UPDATE journal_entries", err, "append-only")
	_, err = st.Pool.Exec(ctx, `DELETE FROM journal_entries WHERE id = $1`, e.ID)
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

func record(id string, amount int64) provider.Record {
	r := provider.Record{TransactionID: id, RoundID: "r-" + id, PlayerID: "p-1", GameCode: "slot", Type: "bet",
		Currency: "KRW", Amount: amount, Timestamp: periodStart.Add(time.Hour)}
	r.Hash = provider.Hash(r)
	return r
}

func TestStagePageDeduplicatesAndQuarantinesConflicts(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newCycle(t, ctx, st)

	page := provider.Page{
		Records: []provider.Record{record("t-1", 1000), record("t-2", 2000), record("t-3", 3000)},
		Rejects: []provider.Reject{{Index: 3, Reason: provider.ReasonBadType, Detail: "type", Raw: json.RawMessage(`{"type":"bonus"}`)}},
	}
	first, err := st.StagePage(ctx, c.ID, "agg", page)
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.PageResult{Received: 3, Inserted: 3, Rejects: 1}); first != want {
		t.Fatalf("first delivery: %+v, want %+v", first, want)
	}
	second, err := st.StagePage(ctx, c.ID, "agg", page)
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.PageResult{Received: 3, Duplicates: 3, Rejects: 1}); second != want {
		t.Fatalf("second delivery: %+v, want %+v", second, want)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM staged_transactions WHERE cycle_id = $1`, c.ID); n != 3 {
		t.Fatalf("%d staged rows after the page came twice, want 3", n)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM quarantine WHERE cycle_id = $1 AND stage = 'format'`, c.ID); n != 1 {
		t.Fatalf("%d format rejects quarantined after the page came twice, want 1", n)
	}

	// Same id, other content: the first version stays staged, the new one is
	// quarantined as a conflicting duplicate.
	changed := record("t-2", 2500)
	third, err := st.StagePage(ctx, c.ID, "agg", provider.Page{Records: []provider.Record{changed, record("t-4", 4000)}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.PageResult{Received: 2, Inserted: 1, Conflicts: 1}); third != want {
		t.Fatalf("conflicting delivery: %+v, want %+v", third, want)
	}
	var amount int64
	if err := st.Pool.QueryRow(ctx, `SELECT amount FROM staged_transactions WHERE cycle_id = $1 AND transaction_id = 't-2'`, c.ID).Scan(&amount); err != nil {
		t.Fatal(err)
	}
	if amount != 2000 {
		t.Fatalf("staged t-2 amount %d, want the first version's 2000", amount)
	}
	var key, stage, reason string
	var raw json.RawMessage
	err = st.Pool.QueryRow(ctx, `SELECT record_key, stage, reason, raw FROM quarantine WHERE cycle_id = $1 AND stage = 'duplicate'`, c.ID).
		Scan(&key, &stage, &reason, &raw)
	if err != nil {
		t.Fatalf("conflicting duplicate not quarantined: %v", err)
	}
	if reason != "CONFLICTING_DUPLICATE" || key != "t-2@"+changed.Hash {
		t.Fatalf("quarantined %s / %s / %s, want t-2@<hash> / duplicate / CONFLICTING_DUPLICATE", key, stage, reason)
	}
	var kept struct {
		Amount int64 `json:"amount"`
	}
	if err := json.Unmarshal(raw, &kept); err != nil || kept.Amount != 2500 {
		t.Fatalf("quarantined raw %s does not hold the conflicting version", raw)
	}

	// Two versions of one id inside a single page are a conflict too: one
	// is staged, the other quarantined, none silently dropped.
	a, b := record("t-5", 5000), record("t-5", 5001)
	fourth, err := st.StagePage(ctx, c.ID, "agg", provider.Page{Records: []provider.Record{a, b}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.PageResult{Received: 2, Inserted: 1, Conflicts: 1}); fourth != want {
		t.Fatalf("in-page conflict: %+v, want %+v", fourth, want)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM quarantine WHERE cycle_id = $1 AND reason = 'CONFLICTING_DUPLICATE'
		AND record_key LIKE 't-5@%'`, c.ID); n != 1 {
		t.Fatalf("in-page conflict: %d quarantined, want 1", n)
	}

	counts, err := st.Counts(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Staged != 5 || counts.Conflicts != 2 || counts.FormatRejects != 1 ||
		counts.ByReason["CONFLICTING_DUPLICATE"] != 2 || counts.ByReason[provider.ReasonBadType] != 1 {
		t.Fatalf("counts %+v, want 5 staged, 2 conflicts, 1 format reject", counts)
	}

	// Other sources and other cycles do not collide with this one.
	other := newCycle(t, ctx, st)
	if res, err := st.StagePage(ctx, other.ID, "agg", page); err != nil || res.Inserted != 3 {
		t.Fatalf("same page for another cycle: %+v %v", res, err)
	}
	if res, err := st.StagePage(ctx, c.ID, "other-source", page); err != nil || res.Inserted != 3 {
		t.Fatalf("same page for another source: %+v %v", res, err)
	}

	// Discarding (the pull's compensation) removes one source's rows only.
	removed, err := st.DiscardStaging(ctx, c.ID, "agg")
	if err != nil || removed != 5 {
		t.Fatalf("discard: removed %d err %v, want 5", removed, err)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM staged_transactions WHERE cycle_id = $1`, c.ID); n != 3 {
		t.Fatalf("%d rows left after discarding agg, want other-source's 3", n)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM quarantine WHERE cycle_id = $1 AND source = 'agg'`, c.ID); n != 0 {
		t.Fatalf("%d quarantine rows of agg left after discard", n)
	}
}

func TestStatementContentIsImmutable(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
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

	_, err = st.Pool.Exec(ctx, `UPDATE statements SET content_json = '{"partner":"acme","lines":[]}' WHERE id = $1`, s.ID)
	requireRefused(t, "UPDATE content_json", err, "immutable")
	_, err = st.Pool.Exec(ctx, `UPDATE statements SET content_csv = 'x' WHERE id = $1`, s.ID)
	requireRefused(t, "UPDATE content_csv", err, "immutable")
	_, err = st.Pool.Exec(ctx, `UPDATE statements SET sha256 = $2 WHERE id = $1`, s.ID, strings.Repeat("00", 32))
	requireRefused(t, "UPDATE sha256", err, "immutable")
	_, err = st.Pool.Exec(ctx, `DELETE FROM statements WHERE id = $1`, s.ID)
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

func TestCreateCycleIsIdempotentAndOneLivePerRevision(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newCycle(t, ctx, st)

	again, err := st.CreateCycle(ctx, store.Cycle{ID: c.ID, WorkflowID: c.WorkflowID, Scope: c.Scope, PeriodKey: c.PeriodKey,
		PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd, Revision: 1, Status: "running"})
	if err != nil || again.ID != c.ID || !again.CreatedAt.Equal(c.CreatedAt) {
		t.Fatalf("re-create: %+v %v", again, err)
	}
	// A second live cycle of the same scope, period and revision from another
	// workflow is refused by the partial unique index.
	_, err = st.CreateCycle(ctx, store.Cycle{ID: uuid.New(), WorkflowID: "other", Scope: c.Scope, PeriodKey: c.PeriodKey,
		PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd, Revision: 1, Status: "running"})
	requireRefused(t, "second live cycle", err, "duplicate key")
	// A new run of the same workflow marks the old unfinished row abandoned
	// and takes its place.
	next, err := st.CreateCycle(ctx, store.Cycle{ID: uuid.New(), WorkflowID: c.WorkflowID, Scope: c.Scope, PeriodKey: c.PeriodKey,
		PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd, Revision: 1, Status: "running"})
	if err != nil {
		t.Fatalf("next run: %v", err)
	}
	cycles, err := st.CyclesForPeriod(ctx, c.Scope, c.PeriodStart)
	if err != nil || len(cycles) != 2 {
		t.Fatalf("cycles: %v %v", cycles, err)
	}
	status := map[uuid.UUID]string{}
	for _, x := range cycles {
		status[x.ID] = x.Status
	}
	if status[c.ID] != "abandoned" || status[next.ID] != "running" {
		t.Fatalf("statuses %v, want the first abandoned and the next running", status)
	}
}

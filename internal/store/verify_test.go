package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/audit"
	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// db is a test database with a superuser beside the application's store.
type db struct {
	ctx    context.Context
	st, su *store.Store
}

func newDB(t *testing.T) db {
	t.Helper()
	d := db{ctx: testContext(t)}
	var url string
	d.st, url = testenv.Database(t)
	d.su = testenv.Superuser(t, url)
	return d
}

// books is a small set of sealed books: a cycle whose log ends completed,
// a settlement entry and its reversal, and a statement.
type books struct {
	db
	cycle     store.Cycle
	entry     ledger.Entry
	reversal  ledger.Entry
	statement store.Statement
}

func (d db) newBooks(t *testing.T) books {
	t.Helper()
	b := books{db: d, cycle: newCycle(t, d.ctx, d.st)}
	step := "post"
	for i, e := range []struct {
		kind, step string
		p          store.Projection
	}{{"cycle.opened", "", store.Projection{}}, {"step.completed", "post", store.Projection{CurrentStep: &step}},
		{"cycle.completed", "", store.Projection{Status: "completed"}}} {
		ev := store.Event{CycleID: b.cycle.ID, Seq: i + 1, Kind: e.kind, Step: e.step, Actor: "worker",
			Payload: json.RawMessage(`{"counts": {"lines": 3}}`)}
		if err := d.st.AppendEvent(d.ctx, ev, e.p); err != nil {
			t.Fatal(err)
		}
	}
	b.entry = settlementEntry(t, b.cycle.ID)
	b.reversal = b.entry.Reversal(uuid.New(), "reversal")
	for _, e := range []ledger.Entry{b.entry, b.reversal} {
		if _, err := d.st.PostEntry(d.ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	js, csv := `{"partner": "acme", "amount": 12500}`, "partner,amount\nacme,12500\n"
	sum := sha256.Sum256([]byte(js + "\n" + csv))
	b.statement = store.Statement{ID: uuid.New(), CycleID: b.cycle.ID, Partner: "acme", JSON: json.RawMessage(js), CSV: csv,
		SHA256: hex.EncodeToString(sum[:])}
	if _, err := d.st.PublishStatement(d.ctx, b.statement); err != nil {
		t.Fatal(err)
	}
	return b
}

// tamper runs sql as a superuser with every trigger off, as someone who
// owns the server would; $1 is the cycle's ID.
func (b books) tamper(t *testing.T, sql string) { b.db.tamper(t, sql, b.cycle.ID) }

// tamper runs sql as tamper on books does, with $1 bound to id.
func (d db) tamper(t *testing.T, sql string, id uuid.UUID) {
	t.Helper()
	err := pgx.BeginFunc(d.ctx, d.su.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(d.ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		for _, stmt := range strings.Split(sql, ";\n") {
			args := []any{}
			if strings.Contains(stmt, "$1") {
				args = append(args, id)
			}
			if _, err := tx.Exec(d.ctx, stmt, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("tamper: %v", err)
	}
}

// verify verifies the books of the given cycles, or all books.
func (d db) verify(t *testing.T, cycles ...uuid.UUID) *audit.Report {
	t.Helper()
	r, err := d.st.VerifyBooks(d.ctx, cycles)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func requireFinding(t *testing.T, r *audit.Report, table, id, problem string) {
	t.Helper()
	for _, f := range r.Findings {
		if f.Table == table && f.ID == id && strings.Contains(f.Problem, problem) {
			return
		}
	}
	t.Fatalf("no finding %s %s %q among %+v", table, id, problem, r.Findings)
}

// plainHash is the unsealed event hash, as anyone can recompute it.
const plainHash = `encode(sha256(convert_to(prev_hash || '|' || seq::text || '|' || kind || '|' || step || '|' || actor || '|' ||
	payload::text, 'UTF8')), 'hex')`

func TestVerifyBooksPassesCleanBooks(t *testing.T) {
	t.Parallel()
	d := newDB(t)
	d.newBooks(t)
	r := d.verify(t)
	if !r.OK() {
		t.Fatalf("clean books: %+v", r.Findings)
	}
	if r.Checked["cycle_events"] != 3 || r.Checked["journal_entries"] != 2 || r.Checked["statements"] != 1 || len(r.Unsealed) != 0 {
		t.Errorf("checked %v, unsealed %v; want 3 events, 2 entries, 1 statement, all sealed", r.Checked, r.Unsealed)
	}
	if len(r.Heads) != 3 {
		t.Errorf("heads %+v, want the cycle's log, the journal and the statements", r.Heads)
	}
}

// tampering is one change a superuser with the triggers off makes,
// recomputing every plain hash it can, and the finding it must leave.
type tampering struct {
	name, sql          string
	table, id, problem string
}

// Each cycle's log is a chain of its own, so every tampering gets a cycle
// of its own in one database; at the end the whole books go.
func TestVerifyBooksFindsTamperedEvents(t *testing.T) {
	t.Parallel()
	d := newDB(t)
	cases := []tampering{
		{name: "event edited, plain hash recomputed and seal stripped",
			sql: `UPDATE cycle_events SET payload = '{"counts": {"lines": 4}}', key_id = '',
				payload_sha256 = encode(sha256(convert_to('{"counts": {"lines": 4}}', 'UTF8')), 'hex') WHERE cycle_id = $1 AND seq = 2;
UPDATE cycle_events SET hash = ` + plainHash + ` WHERE cycle_id = $1 AND seq = 2;
UPDATE cycle_events SET prev_hash = (SELECT hash FROM cycle_events WHERE cycle_id = $1 AND seq = 2), key_id = '' WHERE cycle_id = $1 AND seq = 3;
UPDATE cycle_events SET hash = ` + plainHash + ` WHERE cycle_id = $1 AND seq = 3`,
			table: "cycle_events", id: "/2", problem: "unsealed, yet written after seals began"},
		{name: "event edited, hash recomputed without the key",
			sql: `UPDATE cycle_events SET kind = 'step.skipped', hash = encode(sha256(convert_to(hash, 'UTF8')), 'hex') WHERE cycle_id = $1 AND seq = 2;
UPDATE cycle_events SET prev_hash = (SELECT hash FROM cycle_events WHERE cycle_id = $1 AND seq = 2) WHERE cycle_id = $1 AND seq = 3`,
			table: "cycle_events", id: "/2", problem: "edited: seal does not match"},
		{name: "event inserted at the end with a plain hash",
			sql: `INSERT INTO cycle_events (cycle_id, seq, kind, prev_hash, hash)
				SELECT $1, 4, 'action.approve', hash, 'x' FROM cycle_events WHERE cycle_id = $1 AND seq = 3;
UPDATE cycle_events SET hash = ` + plainHash + ` WHERE cycle_id = $1 AND seq = 4`,
			table: "cycle_events", id: "/4", problem: "unsealed, yet written after seals began"},
		{name: "event deleted from the end", sql: `DELETE FROM cycle_events WHERE cycle_id = $1 AND seq = 3`,
			table: "audit_heads", id: "events/", problem: "rows 3 to 3 deleted from the end"},
		{name: "event deleted from the middle", sql: `DELETE FROM cycle_events WHERE cycle_id = $1 AND seq = 2`,
			table: "cycle_events", id: "/2", problem: "missing"},
		{name: "status edited", sql: `UPDATE cycles SET status = 'compensated' WHERE id = $1`,
			table: "cycles", problem: "no cycle.compensated"},
	}
	var all []uuid.UUID
	for _, c := range cases {
		b := d.newBooks(t)
		all = append(all, b.cycle.ID)
		b.tamper(t, c.sql)
		// Event IDs are <cycle>/<seq>, head IDs events/<cycle>.
		id := b.cycle.ID.String()
		switch {
		case strings.HasPrefix(c.id, "/"):
			id += c.id
		case c.id != "":
			id = c.id + id
		}
		r := d.verify(t, b.cycle.ID)
		requireFinding(t, r, c.table, id, c.problem)
		for _, f := range r.Findings {
			if f.Cycle != b.cycle.ID.String() {
				t.Errorf("%s: verifying one cycle reported another: %+v", c.name, f)
			}
		}
	}
	if r := d.verify(t, all...); len(r.Findings) < len(cases) {
		t.Errorf("verifying every tampered cycle found %d problems, want at least %d", len(r.Findings), len(cases))
	}

	// With the books and their heads truncated, the cycles' statuses are
	// all that is left, and they say a log is missing.
	clean := d.newBooks(t)
	d.tamper(t, `TRUNCATE cycle_events, journal_lines, journal_entries, statements, audit_heads`, clean.cycle.ID)
	requireFinding(t, d.verify(t), "cycles", clean.cycle.ID.String(), "no cycle.completed")
}

// The journal and the statements are one chain each.
func TestVerifyBooksFindsTamperedJournalAndStatements(t *testing.T) {
	t.Parallel()
	edited := newDB(t).newBooks(t)
	edited.tamper(t, `UPDATE journal_lines SET amount = amount + 700 WHERE line_no = 1 AND entry_id = (SELECT id FROM journal_entries WHERE seq = 1);
UPDATE journal_lines SET amount = amount - 700 WHERE line_no = 2 AND entry_id = (SELECT id FROM journal_entries WHERE seq = 1);
INSERT INTO journal_entries (id, cycle_id, kind, description, seq, prev_mac)
	SELECT '00000000-0000-0000-0000-0000000000ee', $1, 'settlement', 'forged', 3, mac FROM journal_entries WHERE seq = 2;
INSERT INTO journal_lines VALUES ('00000000-0000-0000-0000-0000000000ee', 1, 'a', 'KRW', 5), ('00000000-0000-0000-0000-0000000000ee', 2, 'b', 'KRW', -5);
UPDATE statements SET content_csv = replace(content_csv, '12500', '12600') WHERE cycle_id = $1;
UPDATE statements SET sha256 = encode(sha256(convert_to(content_json || E'\n' || content_csv, 'UTF8')), 'hex') WHERE cycle_id = $1`)
	r := edited.verify(t)
	requireFinding(t, r, "journal_entries", edited.entry.ID.String(), "edited")
	requireFinding(t, r, "journal_entries", "00000000-0000-0000-0000-0000000000ee", "unsealed")
	requireFinding(t, r, "statements", edited.statement.ID.String(), "edited: seal does not match")

	deleted := newDB(t).newBooks(t)
	deleted.tamper(t, `DELETE FROM journal_lines WHERE entry_id = (SELECT id FROM journal_entries WHERE seq = 1);
DELETE FROM journal_entries WHERE seq = 1;
DELETE FROM statements WHERE cycle_id = $1`)
	r = deleted.verify(t)
	requireFinding(t, r, "journal_entries", "seq 1", "missing")
	requireFinding(t, r, "audit_heads", "statements", "rows 1 to 1 deleted from the end")
}

// Events written before seals keep verifying by their plain hash, and the
// first sealed event after them protects them too; an unsealed log the
// migration did not find is a forgery.
func TestVerifyBooksChecksUnsealedRowsFromBeforeSeals(t *testing.T) {
	t.Parallel()
	d := newDB(t)
	old := newCycle(t, d.ctx, d.st)
	forged := newCycle(t, d.ctx, d.st)
	for _, id := range []uuid.UUID{old.ID, forged.ID} {
		for seq := 1; seq <= 2; seq++ {
			d.tamper(t, `INSERT INTO cycle_events (cycle_id, seq, kind, payload, prev_hash, hash)
	SELECT $1, `+strconv.Itoa(seq)+`, 'step.started', '{"n": 1}',
		coalesce((SELECT hash FROM cycle_events WHERE cycle_id = $1 AND seq = `+strconv.Itoa(seq-1)+`), '`+audit.EventGenesis+`'), 'x';
UPDATE cycle_events SET hash = `+plainHash+` WHERE cycle_id = $1 AND seq = `+strconv.Itoa(seq), id)
		}
	}
	// What migration 00026 records of a log it finds.
	if _, err := d.su.Pool.Exec(d.ctx, `INSERT INTO audit_unsealed VALUES ($1, 2)`, audit.EventChain(old.ID)); err != nil {
		t.Fatal(err)
	}
	if err := d.st.AppendEvent(d.ctx, store.Event{CycleID: old.ID, Seq: 3, Kind: "step.completed"}, store.Projection{}); err != nil {
		t.Fatal(err)
	}
	r := d.verify(t)
	requireFinding(t, r, "cycle_events", forged.ID.String()+"/1", "unsealed, yet written after seals began")
	requireFinding(t, r, "audit_heads", audit.EventChain(forged.ID), "head missing")
	if len(r.Findings) != 3 || r.Unsealed["cycle_events"] != 4 {
		t.Fatalf("findings %+v, unsealed %v; want only the forged log's, and 4 unsealed events", r.Findings, r.Unsealed)
	}

	// Editing the old log and recomputing its plain hashes breaks the
	// sealed event that follows it.
	d.tamper(t, `UPDATE cycle_events SET kind = 'step.skipped' WHERE cycle_id = $1 AND seq = 1;
UPDATE cycle_events SET hash = `+plainHash+` WHERE cycle_id = $1 AND seq = 1;
UPDATE cycle_events SET prev_hash = (SELECT hash FROM cycle_events WHERE cycle_id = $1 AND seq = 1) WHERE cycle_id = $1 AND seq = 2;
UPDATE cycle_events SET hash = `+plainHash+` WHERE cycle_id = $1 AND seq = 2`, old.ID)
	requireFinding(t, d.verify(t, old.ID), "cycle_events", old.ID.String()+"/3", "does not follow seq 2")
}

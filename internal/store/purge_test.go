package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// aged is a cycle of scope "aged" whose period ended daysAgo days before
// purgeNow, with two staged records, one quarantined, their totals and
// two events.
func aged(t *testing.T, ctx context.Context, st *store.Store, daysAgo int, status string) store.Cycle {
	t.Helper()
	end := purgeNow.AddDate(0, 0, -daysAgo)
	id := uuid.New()
	c, err := st.CreateCycle(ctx, store.Cycle{ID: id, WorkflowID: "settle/aged/" + id.String(), Scope: "aged",
		PeriodKey: end.AddDate(0, 0, -1).Format(time.DateOnly), PeriodStart: end.AddDate(0, 0, -1), PeriodEnd: end,
		Revision: 1, Status: status})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateStaging(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	stage(t, ctx, st, c, "agg", store.StagedPage{Records: []record.Record{bet("b1-"+id.String(), 10), bet("b2-"+id.String(), 20)}})
	if _, err := st.Pool.Exec(ctx, `INSERT INTO quarantine (cycle_id, source, record_key, stage, reason) VALUES ($1, 'agg', 'x', 'rules', 'NEGATIVE_AMOUNT')`, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `INSERT INTO cycle_totals (cycle_id, source, currency, type, count, amount) VALUES ($1, 'agg', 'KRW', 'bet', 2, 30)`, c.ID); err != nil {
		t.Fatal(err)
	}
	// The log ends as a cycle of that status ends, as audit verify checks.
	last := map[string]string{lifecycle.StatusCompleted: lifecycle.EventCycleCompleted,
		lifecycle.StatusSuperseded: lifecycle.EventCycleCompleted, lifecycle.StatusCompensated: lifecycle.EventCycleCompensated,
		lifecycle.StatusBlocked: lifecycle.EventCycleBlocked}[status]
	if last == "" {
		last = lifecycle.EventStepStarted
	}
	for seq, kind := range []string{lifecycle.EventCycleOpened, last} {
		e := store.Event{CycleID: c.ID, Seq: seq + 1, Kind: kind, Payload: json.RawMessage(`{"player": "p-1"}`)}
		if err := st.AppendEvent(ctx, e, store.Projection{}); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

var purgeNow = time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)

func daysBefore(n int) *time.Time {
	t := purgeNow.AddDate(0, 0, -n)
	return &t
}

// left reports what of a cycle's expiring data is still stored.
type left struct {
	staged, quarantined, payloads int
}

func leftOf(t *testing.T, ctx context.Context, st *store.Store, c store.Cycle) left {
	t.Helper()
	var l left
	if count(t, ctx, st, `SELECT count(*) FROM pg_class WHERE relname = $1`, store.StagingTable(c.ID)[0]) == 1 {
		l.staged = count(t, ctx, st, `SELECT count(*) FROM staged_records WHERE cycle_id = $1`, c.ID)
	}
	l.quarantined = count(t, ctx, st, `SELECT count(*) FROM quarantine WHERE cycle_id = $1`, c.ID)
	l.payloads = count(t, ctx, st, `SELECT count(*) FROM cycle_events WHERE cycle_id = $1 AND redacted_at IS NULL AND kind <> $2`,
		c.ID, lifecycle.EventRetentionPurged)
	return l
}

// purge runs one purge of scope aged as the purge activity does.
func purge(t *testing.T, ctx context.Context, st *store.Store, cut store.Cutoffs) (store.Purge, []store.PurgedCycle) {
	t.Helper()
	id := uuid.New()
	if err := st.StartPurge(ctx, id, purgeNow); err != nil {
		t.Fatal(err)
	}
	expired, held, err := st.ExpiredCycles(ctx, "aged", cut)
	if err != nil {
		t.Fatal(err)
	}
	var done []store.PurgedCycle
	for _, e := range expired {
		res, now, err := st.PurgeCycle(ctx, id, e)
		if err != nil || !now {
			t.Fatal(now, err)
		}
		again, now, err := st.PurgeCycle(ctx, id, e) // a retried attempt
		if err != nil || now || again != res {
			t.Fatalf("retried purge of %s: %+v, %v, %v; first %+v", e.CycleID, again, now, err, res)
		}
		done = append(done, res)
	}
	p, err := st.FinishPurge(ctx, id, held)
	if err != nil {
		t.Fatal(err)
	}
	return p, done
}

// The purge removes exactly what expired, from finished cycles no hold
// covers, records what it removed, and leaves the chain verifiable.
func TestPurgeRemovesExactlyWhatExpired(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	recent := aged(t, ctx, st, 10, lifecycle.StatusCompleted)
	raw := aged(t, ctx, st, 200, lifecycle.StatusCompleted)
	rawAndQuarantine := aged(t, ctx, st, 400, lifecycle.StatusCompensated)
	everything := aged(t, ctx, st, 800, lifecycle.StatusSuperseded)
	held := aged(t, ctx, st, 801, lifecycle.StatusCompleted)
	running := aged(t, ctx, st, 802, lifecycle.StatusBlocked)
	hold, err := st.AddHold(ctx, store.Hold{Scope: "aged", PeriodFrom: &held.PeriodStart, PeriodTo: &held.PeriodEnd,
		Reason: "regulator inquiry 42", PlacedBy: "legal"})
	if err != nil {
		t.Fatal(err)
	}

	cut := store.Cutoffs{RawRecords: daysBefore(90), Quarantine: daysBefore(365), EventPayloads: daysBefore(730)}
	p, done := purge(t, ctx, st, cut)
	want := map[uuid.UUID]left{
		recent.ID:           {2, 1, 2},
		raw.ID:              {0, 1, 2},
		rawAndQuarantine.ID: {0, 0, 2},
		everything.ID:       {0, 0, 0},
		held.ID:             {2, 1, 2},
		running.ID:          {2, 1, 2},
	}
	for _, c := range []store.Cycle{recent, raw, rawAndQuarantine, everything, held, running} {
		if got := leftOf(t, ctx, st, c); got != want[c.ID] {
			t.Errorf("cycle %s (%s): left %+v, want %+v", c.PeriodKey, c.Status, got, want[c.ID])
		}
		if err := st.VerifyEvents(ctx, c.ID); err != nil {
			t.Errorf("cycle %s: %v", c.PeriodKey, err)
		}
	}
	if p.Cycles != 3 || p.PartitionsDropped != 3 || p.RecordsRemoved != 6 || p.QuarantineRemoved != 2 ||
		p.PayloadsRedacted != 2 || p.Held != 1 || p.FinishedAt == nil || len(done) != 3 {
		t.Errorf("purge recorded %+v", p)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM cycle_totals WHERE cycle_id = $1`, everything.ID); n != 1 {
		t.Errorf("the purge took %s's totals", everything.PeriodKey) // the registry is checked end to end
	}
	events, err := st.Events(ctx, everything.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := events[len(events)-1]; len(events) != 3 || last.Kind != lifecycle.EventRetentionPurged ||
		events[0].Payload != nil || events[0].PayloadSHA256 == "" || len(last.Payload) == 0 {
		t.Errorf("event log after the purge: %+v", events)
	}

	// Nothing is left to purge until the hold is released.
	if p, _ := purge(t, ctx, st, cut); p.Cycles != 0 || p.Held != 1 {
		t.Errorf("second purge %+v, want nothing removed", p)
	}
	if _, err := st.ReleaseHold(ctx, hold.ID, "legal", "inquiry closed"); err != nil {
		t.Fatal(err)
	}
	if p, _ := purge(t, ctx, st, cut); p.Cycles != 1 || p.Held != 0 || leftOf(t, ctx, st, held) != (left{}) {
		t.Errorf("purge after the release: %+v, left %+v", p, leftOf(t, ctx, st, held))
	}
}

// A redacted event can only have been redacted: its payload removed and
// the time it went recorded, everything else as it was. Even a superuser
// is refused any other change, and the application any change at all.
func TestRedactionIsTheOnlyEdit(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, url := testenv.Database(t)
	su := testenv.Superuser(t, url)
	c := aged(t, ctx, st, 800, lifecycle.StatusCompleted)
	for what, sql := range map[string]string{
		"redaction that changes the actor": `UPDATE cycle_events SET payload = NULL, redacted_at = now(), actor = 'mallory'
			WHERE cycle_id = $1 AND seq = 1`,
		"a payload replaced":                 `UPDATE cycle_events SET payload = '{"x": 1}', redacted_at = now() WHERE cycle_id = $1 AND seq = 1`,
		"a redaction that does not say when": `UPDATE cycle_events SET payload = NULL WHERE cycle_id = $1 AND seq = 1`,
		"delete":                             `DELETE FROM cycle_events WHERE cycle_id = $1`,
	} {
		_, err := su.Pool.Exec(ctx, sql, c.ID)
		requireRefused(t, what, err, "append-only")
	}
	_, err := st.Pool.Exec(ctx, `UPDATE cycle_events SET payload = NULL, redacted_at = now() WHERE cycle_id = $1`, c.ID)
	requireRefused(t, "the application redacting by hand", err, "permission denied")
	if _, err := su.Pool.Exec(ctx, `UPDATE cycle_events SET payload = NULL, redacted_at = now() WHERE cycle_id = $1 AND seq = 1`, c.ID); err != nil {
		t.Fatalf("a redaction refused: %v", err)
	}
	if err := st.VerifyEvents(ctx, c.ID); err != nil {
		t.Errorf("a redacted log no longer verifies: %v", err)
	}
}

func TestHoldsAreReleasedOnceNeverDeleted(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	h, err := st.AddHold(ctx, store.Hold{Scope: "aged", Reason: "litigation", PlacedBy: "legal"})
	if err != nil {
		t.Fatal(err)
	}
	if list, err := st.Holds(ctx, "aged", false); err != nil || len(list) != 1 || !list[0].InForce() {
		t.Fatalf("holds in force: %+v, %v", list, err)
	}
	r, err := st.ReleaseHold(ctx, h.ID, "counsel", "settled")
	if err != nil || r.InForce() || *r.ReleasedBy != "counsel" {
		t.Fatalf("release: %+v, %v", r, err)
	}
	if _, err := st.ReleaseHold(ctx, h.ID, "counsel", "again"); err == nil {
		t.Error("a hold was released twice")
	}
	_, err = st.Pool.Exec(ctx, `DELETE FROM legal_holds WHERE id = $1`, h.ID)
	requireRefused(t, "delete a hold", err, "refused")
	if list, err := st.Holds(ctx, "", true); err != nil || len(list) != 1 {
		t.Errorf("all holds: %+v, %v", list, err)
	}
}

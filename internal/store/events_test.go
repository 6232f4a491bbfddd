package store_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

func TestEventLogIsHashChainedAndAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, url := testenv.Database(t)
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

	// The application may not even try (privileges_test.go); the trigger
	// refuses everyone else, the owner too, until a superuser disables it.
	su := testenv.Superuser(t, url)
	_, err = su.Pool.Exec(ctx, `UPDATE cycle_events SET kind = 'forged' WHERE cycle_id = $1 AND seq = 2`, c.ID)
	requireRefused(t, "UPDATE cycle_events", err, "append-only")
	_, err = su.Pool.Exec(ctx, `DELETE FROM cycle_events WHERE cycle_id = $1 AND seq = 3`, c.ID)
	requireRefused(t, "DELETE cycle_events", err, "append-only")
	_, err = su.Pool.Exec(ctx, `UPDATE cycle_events SET payload = NULL, actor = 'x' WHERE cycle_id = $1 AND seq = 3`, c.ID)
	requireRefused(t, "UPDATE cycle_events removing a payload and more", err, "append-only")

	// Retention may remove a sealed payload, and nothing else; the seal
	// covers the payload's digest, which stays, so the log still verifies.
	if _, err := su.Pool.Exec(ctx, `UPDATE cycle_events SET payload = NULL, redacted_at = now() WHERE cycle_id = $1 AND seq = 1`, c.ID); err != nil {
		t.Fatalf("remove a sealed payload: %v", err)
	}
	if err := st.VerifyEvents(ctx, c.ID); err != nil {
		t.Fatalf("verify a log with a removed payload: %v", err)
	}

	// Verification is not vacuous: with the guard lifted (only a superuser
	// can), a forged payload breaks the log at that event.
	tamper := func(sql string) {
		t.Helper()
		err := pgx.BeginFunc(ctx, su.Pool, func(tx pgx.Tx) error {
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
	if err := st.VerifyEvents(ctx, c.ID); err == nil || !strings.Contains(err.Error(), c.ID.String()+"/3: payload edited") {
		t.Fatalf("verify a forged log: %v, want event 3's payload found edited", err)
	}
	tamper(`DELETE FROM cycle_events WHERE cycle_id = $1 AND seq = 2`)
	if err := st.VerifyEvents(ctx, c.ID); err == nil || !strings.Contains(err.Error(), c.ID.String()+"/2: missing") {
		t.Fatalf("verify a log with a deleted event: %v, want event 2 missing", err)
	}
}

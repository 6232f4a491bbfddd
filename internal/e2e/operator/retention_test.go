package operator_test

import (
	"context"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// kept is what a cycle holds that retention may remove, and what it never
// removes.
type kept struct {
	staged, quarantined, payloads int64 // expire
	settled, journal, statements  int64 // stay
}

func keptOf(t *testing.T, r *testenv.Rig, c store.Cycle) kept {
	t.Helper()
	var k kept
	err := r.Store.Pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM staged_records WHERE cycle_id = $1),
		(SELECT count(*) FROM quarantine WHERE cycle_id = $1),
		(SELECT count(*) FROM cycle_events WHERE cycle_id = $1 AND redacted_at IS NULL AND kind <> $2),
		(SELECT count(*) FROM settled_records WHERE cycle_id = $1),
		(SELECT count(*) FROM journal_entries WHERE cycle_id = $1),
		(SELECT count(*) FROM statements WHERE cycle_id = $1)`, c.ID, lifecycle.EventRetentionPurged).
		Scan(&k.staged, &k.quarantined, &k.payloads, &k.settled, &k.journal, &k.statements)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// The purge workflow removes exactly what expired — staged records,
// quarantine, event payloads — from the cycle no hold covers, nothing from
// the held one, never the books or the settled-record registry; it records
// what it removed, and both event logs still verify.
func TestRetentionPurgeRespectsLegalHold(t *testing.T) {
	t.Parallel()
	cfg := sim.DefaultProviderConfig()
	cfg.RoundsPerDay, cfg.Players, cfg.Faults.InvalidEvery = 300, 50, 40
	r := server.NewRig(t, testenv.RigOptions{Sim: cfg, ScopeYAML: testenv.DemoScopeYAML(t,
		"raw_records: 90d", "raw_records: 1d", "quarantine: 365d", "quarantine: 2d", "event_payloads: 730d", "event_payloads: 3d")})
	ctx := context.Background()
	var cycles []store.Cycle
	for _, period := range []string{"2026-11-01", "2026-11-02"} {
		s := start(t, r, period, "scheduler", fast, false)
		if _, err := wait(t, r, s); err != nil {
			t.Fatal(err)
		}
		c, err := r.Store.LatestCycleOfWorkflow(ctx, s.WorkflowID)
		if err != nil {
			t.Fatal(err)
		}
		cycles = append(cycles, c)
	}
	expiring, held := cycles[0], cycles[1]
	if _, err := r.Store.AddHold(ctx, store.Hold{Scope: testenv.DemoScope, PeriodFrom: &held.PeriodStart,
		PeriodTo: &held.PeriodEnd, Reason: "chargeback dispute 7731", PlacedBy: "legal"}); err != nil {
		t.Fatal(err)
	}
	before, heldBefore := keptOf(t, r, expiring), keptOf(t, r, held)
	if before.staged == 0 || before.quarantined == 0 || before.payloads == 0 || before.settled == 0 {
		t.Fatalf("nothing to purge: %+v", before)
	}

	pctx := testenv.Context(t, time.Minute)
	run, err := platform.StartPurge(pctx, r.Client)
	if err != nil {
		t.Fatal(err)
	}
	res, err := platform.WaitPurge(pctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if res.Cycles != 1 || res.PartitionsDropped != 1 || res.RecordsRemoved != before.staged ||
		res.QuarantineRemoved != before.quarantined || res.PayloadsRedacted != before.payloads || res.Held != 1 {
		t.Errorf("purge %+v, want %+v of one cycle removed and one held", res, before)
	}
	want := kept{settled: before.settled, journal: before.journal, statements: before.statements}
	if got := keptOf(t, r, expiring); got != want {
		t.Errorf("expired cycle keeps %+v, want %+v", got, want)
	}
	if got := keptOf(t, r, held); got != heldBefore {
		t.Errorf("held cycle keeps %+v, want all of %+v", got, heldBefore)
	}
	kinds := eventKinds(t, r, expiring.WorkflowID) // verifies the chain
	if kinds[len(kinds)-1] != lifecycle.EventRetentionPurged+":settleflow" {
		t.Errorf("expired cycle's log ends %v", kinds[len(kinds)-3:])
	}
	eventKinds(t, r, held.WorkflowID)
	purges, err := r.Store.Purges(ctx, 5)
	if err != nil || len(purges) != 1 || purges[0].ID != res.ID || purges[0].RecordsRemoved != before.staged {
		t.Errorf("purge record %+v, %v", purges, err)
	}
	r.SaveGolden(t, run.GetID(), run.GetRunID(), "retention-purge-v1")
}

package operator_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// slowFeed is a pull of a few seconds: enough pages, each served late.
func slowFeed() sim.ProviderConfig {
	cfg := sim.DefaultProviderConfig()
	cfg.RoundsPerDay, cfg.Players = 3000, 50
	cfg.Faults.PageDelay = 300 * time.Millisecond
	return cfg
}

// scalar runs a one-number query against the rig's database.
func scalar(t *testing.T, r *testenv.Rig, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := r.Store.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// stepEvents lists the cycle's events as kind:step.
func stepEvents(t *testing.T, r *testenv.Rig, id uuid.UUID) []string {
	t.Helper()
	events, err := r.Store.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Kind + ":" + e.Step
	}
	return out
}

// An operator aborts a cycle in the middle of its pull: the pull's slices
// stop (the feed hears no more from it), what they staged is discarded,
// and the cycle is compensated with who aborted it and why on record.
func TestAbortRunningCycle(t *testing.T) {
	t.Parallel()
	r := server.NewRig(t, testenv.RigOptions{Sim: slowFeed()})
	s := start(t, r, "2026-11-01", "scheduler", fast, false)
	id := activities.CycleID(s.WorkflowID, s.RunID)
	deadline := time.Now().Add(time.Minute)
	for scalar(t, r, `SELECT count(*) FROM staged_records WHERE cycle_id = $1`, id) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("nothing staged within a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}
	act(t, r, s.WorkflowID, lifecycle.ActionAbort, "ops", "", "reason is required")
	act(t, r, s.WorkflowID, lifecycle.ActionAbort, "ops", "wrong day; stop it", "")
	if _, err := wait(t, r, s); err == nil {
		t.Fatal("the aborted cycle completed")
	}
	requests := r.Sim.Stats().Requests
	final := waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusCompensated)
	if n := scalar(t, r, `SELECT count(*) FROM staged_records WHERE cycle_id = $1`, id); n != 0 {
		t.Errorf("%d staged records left after the abort", n)
	}
	if n := scalar(t, r, `SELECT count(*) FROM quarantine WHERE cycle_id = $1`, id); n != 0 {
		t.Errorf("%d quarantined records left after the abort", n)
	}
	if len(final.Actions) != 1 || final.Actions[0].Step != lifecycle.StepPull || final.Actions[0].Actor != "ops" {
		t.Errorf("actions %+v, want the abort of the running pull", final.Actions)
	}
	events := stepEvents(t, r, id)
	for _, want := range []string{"action.abort:pull", "compensation.started:", "step.compensated:pull", "cycle.compensated:"} {
		if count(events, want) != 1 {
			t.Errorf("event log lacks %s: %v", want, events)
		}
	}
	if count(events, "step.failed:pull") != 0 || count(events, "cycle.blocked:pull") != 0 {
		t.Errorf("the abort shows as a failure: %v", events)
	}
	desc, err := r.Client.DescribeWorkflowExecution(context.Background(), s.WorkflowID+"/pull/aggregator", "")
	if err != nil || desc.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED {
		t.Errorf("the pull's child workflow: %v (%v), want cancelled", desc.GetWorkflowExecutionInfo().GetStatus(), err)
	}
	time.Sleep(2 * time.Second)
	if later := r.Sim.Stats().Requests; later != requests {
		t.Errorf("the feed got %d more requests after the cycle was compensated", later-requests)
	}
	r.SaveGolden(t, s.WorkflowID, s.RunID, "cycle-aborted-running-v3")
	r.SaveGolden(t, s.WorkflowID+"/pull/aggregator", "", "pull-source-cancelled-v1")
}

// delayed serves every page late, so a retried pull lasts a few seconds.
func delayed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
		next.ServeHTTP(w, r)
	})
}

// While a step an operator retried runs, the cycle is running everywhere
// it is shown — the status query and the cycles projection — not blocked;
// and the retried pull counts the whole source.
func TestRetriedStepIsRunning(t *testing.T) {
	t.Parallel()
	var broken atomic.Bool
	broken.Store(true)
	r := server.NewRig(t, testenv.RigOptions{Feed: func(h http.Handler) http.Handler { return breakable(&broken)(delayed(h)) },
		ScopeYAML: testenv.DemoScopeYAML(t, "    attempts: 6 ", "    attempts: 1 ")}) // no request retries: block at once
	s := start(t, r, "2026-11-01", "scheduler", fast, false)
	waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusBlocked)
	id := activities.CycleID(s.WorkflowID, s.RunID)
	if c, err := r.Store.Cycle(context.Background(), id); err != nil || c.Status != lifecycle.StatusBlocked {
		t.Fatalf("projection while blocked: %s %v", c.Status, err)
	}
	broken.Store(false)
	act(t, r, s.WorkflowID, lifecycle.ActionRetry, "ops", "feed back", "")
	var c store.Cycle
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		st, err := platform.QueryCycle(testenv.Context(t, 10*time.Second), r.Client, s.WorkflowID, "")
		if err != nil {
			t.Fatal(err)
		}
		if c, err = r.Store.Cycle(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		pull := st.Steps[1]
		if c.Status == lifecycle.StatusRunning && st.Status == lifecycle.StatusRunning && pull.Status == lifecycle.StepRunning && pull.Attempts == 2 {
			break // the retried pull runs, and every view says so
		}
		if pull.Status == lifecycle.StepDone || time.Now().After(deadline) {
			t.Fatalf("the retried pull is %s; the projection said %s throughout", pull.Status, c.Status)
		}
	}
	res, err := wait(t, r, s)
	if err != nil {
		t.Fatal(err)
	}
	all := int64(len(sim.GenerateTransactions(r.SimConfig, c.PeriodStart, c.PeriodEnd)))
	if p := res.Pulls[0].Progress; int64(p.Received) != all || int64(p.Inserted) != all {
		t.Errorf("retried pull received %d and staged %d of the source's %d records", p.Received, p.Inserted, all)
	}
	assertShares(t, res, r)
	r.SaveGolden(t, s.WorkflowID, s.RunID, "cycle-retried-running-v3")
}

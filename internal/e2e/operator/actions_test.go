package operator_test

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/workflows"
)

// A blocked cycle aborted by an operator is undone: compensated in the
// projection, in visibility and in the event log, with who and why.
func TestAbortBlockedCycle(t *testing.T) {
	t.Parallel()
	r := server.NewRig(t, testenv.RigOptions{WrongToken: true})
	s := start(t, r, "2026-11-01", "scheduler", fast, false)
	st := waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusBlocked)
	if st.Blocked.Step != lifecycle.StepPull {
		t.Fatalf("blocked on %s", st.Blocked.Step)
	}
	act(t, r, s.WorkflowID, lifecycle.ActionAbort, "ops", "", "reason is required")
	act(t, r, s.WorkflowID, lifecycle.ActionAbort, "ops", "partner rotated the token; settle tomorrow", "")
	if _, err := wait(t, r, s); err == nil {
		t.Fatal("aborted cycle completed")
	}
	c, err := r.Store.LatestCycleOfWorkflow(context.Background(), s.WorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != lifecycle.StatusCompensated {
		t.Errorf("cycle row status %s, want compensated", c.Status)
	}
	kinds := eventKinds(t, r, s.WorkflowID)
	for _, want := range []string{"cycle.blocked:", "action.abort:ops", "compensation.started:", "cycle.compensated:"} {
		if count(kinds, want) != 1 {
			t.Errorf("event log lacks %s: %v", want, kinds)
		}
	}
	waitListed(t, r, lifecycle.StatusCompensated, s.WorkflowID)
	r.SaveGolden(t, s.WorkflowID, s.RunID, "cycle-compensated-v2")
}

// A source marked optional can be skipped; the cycle then settles without it.
func TestSkipOptionalSource(t *testing.T) {
	t.Parallel()
	var broken atomic.Bool
	broken.Store(true)
	r := server.NewRig(t, testenv.RigOptions{Feed: breakable(&broken),
		ScopeYAML: testenv.DemoScopeYAML(t, "optional: false", "optional: true")})
	s := start(t, r, "2026-11-01", "scheduler", fast, false)
	st := waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusBlocked)
	if !st.Blocked.CanSkip {
		t.Fatalf("optional source cannot be skipped: %+v", st.Blocked)
	}
	act(t, r, s.WorkflowID, lifecycle.ActionSkip, "ops", "feed down all day; settle without it", "")
	res, err := wait(t, r, s)
	if err != nil {
		t.Fatalf("cycle failed after skip: %v", err)
	}
	if len(res.Shares) != 0 || res.Validation.Staged != 0 {
		t.Errorf("skipped source still counted: %+v", res)
	}
	final := waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusCompleted)
	if final.Steps[1].Status != lifecycle.StepSkipped {
		t.Errorf("pull step %s, want skipped", final.Steps[1].Status)
	}
}

// Nobody acts on a blocked cycle: it aborts on its own after the timeout.
func TestBlockedCycleAutoAborts(t *testing.T) {
	t.Parallel()
	r := server.NewRig(t, testenv.RigOptions{WrongToken: true})
	tuning := fast
	tuning.AutoAbortAfter = 2 * time.Second
	s := start(t, r, "2026-11-01", "scheduler", tuning, false)
	if _, err := wait(t, r, s); err == nil {
		t.Fatal("blocked cycle completed")
	}
	kinds := eventKinds(t, r, s.WorkflowID)
	if count(kinds, "action.abort:settleflow") != 1 || count(kinds, "cycle.compensated:") != 1 {
		t.Errorf("event log = %v", kinds)
	}
}

// The approval gate: four eyes, wrong-state refusals, then approval by
// someone else completes the cycle; the approver is on record.
func TestApprovalGateFourEyes(t *testing.T) {
	t.Parallel()
	r := server.NewRig(t, testenv.RigOptions{ScopeYAML: testenv.DemoScopeYAML(t, "required: false", "required: true")})
	s := start(t, r, "2026-11-01", "alice", fast, false)
	st := waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusAwaitingApproval)
	if st.Approval == nil || len(st.Approval.Reasons) == 0 {
		t.Fatalf("approval = %+v", st.Approval)
	}
	act(t, r, s.WorkflowID, lifecycle.ActionApprove, "alice", "looks right to me", "four eyes")
	act(t, r, s.WorkflowID, lifecycle.ActionRetry, "bob", "nothing to retry", "not blocked")
	act(t, r, s.WorkflowID, lifecycle.ActionSkip, "bob", "nothing to skip", "not blocked")
	act(t, r, s.WorkflowID, lifecycle.ActionApprove, "bob", "totals checked against the provider report", "")
	res, err := wait(t, r, s)
	if err != nil {
		t.Fatalf("approved cycle failed: %v", err)
	}
	assertShares(t, res, r)
	kinds := eventKinds(t, r, s.WorkflowID)
	if count(kinds, "approval.requested:") != 1 || count(kinds, "action.approve:bob") != 1 || count(kinds, "action.approve:alice") != 0 {
		t.Errorf("event log = %v", kinds)
	}
	// What an engineer does with it: export the history and replay it
	// against this code.
	h, err := platform.History(testenv.Context(t, 30*time.Second), r.Client, s.WorkflowID, s.RunID)
	if err != nil {
		t.Fatal(err)
	}
	data, err := platform.HistoryJSON(h)
	if err != nil {
		t.Fatal(err)
	}
	exported, err := workflows.ReadHistoryJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := workflows.Replay(exported); err != nil {
		t.Fatalf("exported history does not replay: %v", err)
	}
	r.SaveGolden(t, s.WorkflowID, s.RunID, "cycle-approved-v2")
}

// A rejected cycle is undone before anything is posted.
func TestApprovalRejected(t *testing.T) {
	t.Parallel()
	r := server.NewRig(t, testenv.RigOptions{ScopeYAML: testenv.DemoScopeYAML(t, "required: false", "required: true")})
	s := start(t, r, "2026-11-01", "alice", fast, false)
	waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusAwaitingApproval)
	act(t, r, s.WorkflowID, lifecycle.ActionReject, "bob", "fee does not match the contract", "")
	if _, err := wait(t, r, s); err == nil {
		t.Fatal("rejected cycle completed")
	}
	var entries, staged int
	err := r.Store.Pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM journal_entries), (SELECT count(*) FROM staged_records)`).Scan(&entries, &staged)
	if err != nil {
		t.Fatal(err)
	}
	if entries != 0 || staged != 0 {
		t.Errorf("after rejection: %d journal entries, %d staged rows; want none", entries, staged)
	}
}

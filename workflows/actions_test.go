package workflows

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

func TestBlockedStepRetriedByOperatorCompletes(t *testing.T) {
	f := &fakeSteps{fail: lifecycle.StepSplit, failTimes: 1}
	env := newEnv(t, f)
	var blocked CycleStatus
	env.RegisterDelayedCallback(func() {
		blocked = queryStatus(t, env)
		sendAction(t, env, lifecycle.ActionSkip, "ops", "try skipping", errors.New("not optional"))
		sendAction(t, env, lifecycle.ActionApprove, "ops", "nothing to approve", errors.New("not awaiting approval"))
		sendAction(t, env, lifecycle.ActionRetry, "ops", "", errors.New("reason required"))
		sendAction(t, env, lifecycle.ActionRetry, "ops", "split fixed", nil)
	}, time.Minute)
	env.ExecuteWorkflow(SettlementCycle, testInput())
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow failed: %v", err)
	}
	if blocked.Status != lifecycle.StatusBlocked || blocked.Blocked.Step != lifecycle.StepSplit || blocked.Blocked.CanSkip {
		t.Errorf("blocked state = %s %+v", blocked.Status, blocked.Blocked)
	}
	if f.alerts != 1 {
		t.Errorf("alerts = %d, want 1", f.alerts)
	}
	st := queryStatus(t, env)
	if st.Status != lifecycle.StatusCompleted || len(st.Actions) != 1 || st.Actions[0].Action != lifecycle.ActionRetry || st.Actions[0].Actor != "ops" {
		t.Errorf("final status %s with actions %+v", st.Status, st.Actions)
	}
	if split := st.Steps[4]; split.Name != lifecycle.StepSplit || split.Attempts != 2 || split.Status != lifecycle.StepDone {
		t.Errorf("split step = %+v", split)
	}
}

func TestOptionalSourceCanBeSkipped(t *testing.T) {
	f := &fakeSteps{fail: lifecycle.StepPull, optional: true}
	env := newEnv(t, f)
	env.RegisterDelayedCallback(func() {
		sendAction(t, env, lifecycle.ActionSkip, "ops", "feed down, settle without it", nil)
	}, time.Minute)
	env.ExecuteWorkflow(SettlementCycle, testInput())
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow failed: %v", err)
	}
	st := queryStatus(t, env)
	if pull := st.Steps[1]; pull.Status != lifecycle.StepSkipped || pull.Counts["skipped_sources"] != 1 {
		t.Errorf("pull step = %+v", pull)
	}
	if len(f.undone) != 1 || f.undone[0] != lifecycle.StepPull {
		t.Errorf("the skipped source's staging was not discarded: %v", f.undone)
	}
}

// A failed pull whose source names no fallback cannot fall back; nor can
// a step other than the pull.
func TestFallbackRefusedWithoutOne(t *testing.T) {
	for _, step := range []string{lifecycle.StepPull, lifecycle.StepSplit} {
		f := &fakeSteps{fail: step, failTimes: 1}
		env := newEnv(t, f)
		var blocked CycleStatus
		env.RegisterDelayedCallback(func() {
			blocked = queryStatus(t, env)
			want := map[string]string{lifecycle.StepPull: "names no fallback", lifecycle.StepSplit: "only a failed pull can fall back"}[step]
			sendAction(t, env, lifecycle.ActionFallback, "ops", "take the wallet's figures", errors.New(want))
			sendAction(t, env, lifecycle.ActionRetry, "ops", "fixed", nil)
		}, time.Minute)
		env.ExecuteWorkflow(SettlementCycle, testInput())
		if err := env.GetWorkflowError(); err != nil || blocked.Blocked == nil || blocked.Blocked.CanFallback {
			t.Errorf("%s: err %v, blocked %+v", step, err, blocked.Blocked)
		}
	}
}

func TestBlockedCycleAutoAborts(t *testing.T) {
	f := &fakeSteps{fail: lifecycle.StepPost}
	env := newEnv(t, f)
	in := testInput()
	in.Tuning.AutoAbortAfter = 10 * time.Minute
	env.ExecuteWorkflow(SettlementCycle, in)
	err := env.GetWorkflowError()
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != errDecision {
		t.Fatalf("workflow error = %v, want the auto-abort", err)
	}
	st := queryStatus(t, env)
	if st.Status != lifecycle.StatusCompensated || len(st.Actions) != 1 || st.Actions[0].Actor != "settleflow" {
		t.Errorf("status %s actions %+v", st.Status, st.Actions)
	}
}

func TestApprovalGateFourEyes(t *testing.T) {
	f := &fakeSteps{approval: []string{"acme-games is owed a lot"}}
	env := newEnv(t, f)
	var waiting CycleStatus
	env.RegisterDelayedCallback(func() {
		waiting = queryStatus(t, env)
		sendAction(t, env, lifecycle.ActionApprove, "tester", "my own cycle", errors.New("four eyes"))
		sendAction(t, env, lifecycle.ActionRetry, "checker", "wrong verb", errors.New("not blocked"))
		sendAction(t, env, lifecycle.ActionApprove, "checker", "amounts verified", nil)
	}, time.Minute)
	env.ExecuteWorkflow(SettlementCycle, testInput())
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow failed: %v", err)
	}
	if waiting.Status != lifecycle.StatusAwaitingApproval || waiting.Approval == nil || len(waiting.Approval.Reasons) != 1 {
		t.Errorf("gate state = %s %+v", waiting.Status, waiting.Approval)
	}
	st := queryStatus(t, env)
	if st.Status != lifecycle.StatusCompleted || st.Approval.Decision != lifecycle.ActionApprove || st.Approval.Actor != "checker" {
		t.Errorf("final %s approval %+v", st.Status, st.Approval)
	}
}

func TestApprovalRejectedCompensates(t *testing.T) {
	f := &fakeSteps{approval: []string{"new agreement version"}}
	env := newEnv(t, f)
	env.RegisterDelayedCallback(func() {
		sendAction(t, env, lifecycle.ActionReject, "checker", "fee looks wrong", nil)
	}, time.Minute)
	env.ExecuteWorkflow(SettlementCycle, testInput())
	if err := env.GetWorkflowError(); err == nil {
		t.Fatal("rejected cycle completed")
	}
	st := queryStatus(t, env)
	if st.Status != lifecycle.StatusCompensated || fmt.Sprint(f.undone) != fmt.Sprint([]string{lifecycle.StepReconcile, lifecycle.StepPull}) {
		t.Errorf("status %s undone %v", st.Status, f.undone)
	}
}

// An undo that keeps failing blocks the compensating cycle for an operator:
// it cannot be aborted again, and a retry finishes the compensation.
func TestFailingCompensationBlocksUntilRetried(t *testing.T) {
	f := &fakeSteps{fail: lifecycle.StepPublish, undoFails: 1}
	env := newEnv(t, f)
	var undoBlocked CycleStatus
	env.RegisterDelayedCallback(func() {
		sendAction(t, env, lifecycle.ActionAbort, "ops", "publish is broken", nil)
	}, time.Minute)
	env.RegisterDelayedCallback(func() {
		undoBlocked = queryStatus(t, env)
		sendAction(t, env, lifecycle.ActionAbort, "ops", "abort again", errors.New("already aborting"))
		sendAction(t, env, lifecycle.ActionRetry, "ops", "ledger back", nil)
	}, 2*time.Minute)
	env.ExecuteWorkflow(SettlementCycle, testInput())
	if env.GetWorkflowError() == nil {
		t.Fatal("aborted cycle completed")
	}
	if undoBlocked.Status != lifecycle.StatusBlocked || undoBlocked.Blocked == nil || undoBlocked.Blocked.Step != "undo post" || undoBlocked.Blocked.CanAbort {
		t.Fatalf("while the undo failed: %s %+v", undoBlocked.Status, undoBlocked.Blocked)
	}
	st := queryStatus(t, env)
	if st.Status != lifecycle.StatusCompensated || fmt.Sprint(f.undone) != fmt.Sprint([]string{lifecycle.StepPost, lifecycle.StepReconcile, lifecycle.StepPull}) {
		t.Errorf("status %s, undone %v", st.Status, f.undone)
	}
}

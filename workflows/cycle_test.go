package workflows

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/settle"
	"github.com/settleflow/settleflow/internal/trend"
)

func testInput() CycleInput {
	start := time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC)
	return CycleInput{Scope: "demo-casino", PeriodKey: "2026-11-01", PeriodStart: start, PeriodEnd: start.Add(24 * time.Hour),
		Revision: 1, StartedBy: "tester", Tuning: Tuning{MaxAttempts: 1, RetryInterval: time.Millisecond}}
}

// fakeSteps answers every activity with a plausible summary and records the
// order of compensation calls; fail names the one step that errors.
type fakeSteps struct {
	fail      string
	failTimes int // 0: the failing step fails every time
	failures  int
	approval  []string // reasons the approval gate opens for
	anomalies []trend.Anomaly
	optional  bool // the source is optional
	undoFails int  // Reverse fails this many times before it works
	gate      int  // reconcile is held by open breaks this many times
	hang      bool // Validate runs until it is cancelled
	mu        sync.Mutex
	undone    []string
	events    []string
	alerts    int
}

func (f *fakeSteps) errFor(step string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.errForLocked(step)
}

func (f *fakeSteps) errForLocked(step string) error {
	if f.fail == step && (f.failTimes == 0 || f.failures < f.failTimes) {
		f.failures++
		return temporal.NewNonRetryableApplicationError("injected failure in "+step, activities.ErrBadData, nil)
	}
	return nil
}

func (f *fakeSteps) undo(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.undone = append(f.undone, name)
}

func newEnv(t *testing.T, f *fakeSteps) *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	Register(env, &activities.Activities{})
	env.OnActivity(acts.Open, mock.Anything, mock.Anything).Return(func(context.Context, activities.OpenInput) (activities.OpenResult, error) {
		return activities.OpenResult{Sources: []activities.SourceRef{{Name: "aggregator", Kind: "provider", Partner: "acme-games",
			Optional: f.optional, Slices: 2, Parallel: 2}},
			Agreements: []activities.FrozenAgreement{{Partner: "acme-games", Version: 1}}, Revision: 1, AutoAbortAfter: time.Hour}, f.errFor(lifecycle.StepOpen)
	})
	env.OnActivity(acts.PullSlice, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.SliceInput) (activities.SliceProgress, error) {
		return activities.SliceProgress{Pages: 1, Received: 5, Total: -1}, nil
	})
	env.OnActivity(acts.FinishPull, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.FinishInput) (activities.PullResult, error) {
		if len(in.Slices) != 2 || in.Slices[0].Received+in.Slices[1].Received != 10 {
			return activities.PullResult{}, fmt.Errorf("finish got slices %+v, want the two slices' progress", in.Slices)
		}
		return activities.PullResult{Source: in.Source, Progress: activities.PullProgress{Pages: 2, Received: 10, Inserted: 9, Duplicates: 1}}, f.errFor(lifecycle.StepPull)
	})
	env.OnActivity(acts.Validate, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.CycleRef) (activities.ValidateResult, error) {
		if f.hang {
			<-ctx.Done()
			return activities.ValidateResult{}, ctx.Err()
		}
		return activities.ValidateResult{Staged: 9, Accepted: 8, Rejected: 1}, f.errFor(lifecycle.StepValidate)
	})
	env.OnActivity(acts.Reconcile, mock.Anything, mock.Anything).Return(func(context.Context, activities.CycleRef) (activities.ReconcileResult, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.gate > 0 {
			f.gate--
			return activities.ReconcileResult{}, temporal.NewNonRetryableApplicationError(
				"open discrepancies hold the cycle: 3 discrepancies are open, more than the 0 allowed", activities.ErrReconciliationGate, nil)
		}
		return activities.ReconcileResult{Total: recon.Count{Matched: 4, Open: 1}}, f.errForLocked(lifecycle.StepReconcile)
	})
	env.OnActivity(acts.UndoReconcile, mock.Anything, mock.Anything).Return(func(context.Context, activities.CompensateInput) error {
		f.undo(lifecycle.StepReconcile)
		return nil
	})
	env.OnActivity(acts.Split, mock.Anything, mock.Anything).Return(func(context.Context, activities.CycleRef) (activities.SplitResult, error) {
		return activities.SplitResult{Shares: []settle.Share{{Partner: "acme-games", Currency: "KRW", GGR: 1000, PartnerAmount: 125, OperatorAmount: 875}}}, f.errFor(lifecycle.StepSplit)
	})
	env.OnActivity(acts.Post, mock.Anything, mock.Anything).Return(func(context.Context, activities.CycleRef) (activities.PostResult, error) {
		return activities.PostResult{Lines: 3, Posted: true, Balanced: true}, f.errFor(lifecycle.StepPost)
	})
	env.OnActivity(acts.Publish, mock.Anything, mock.Anything).Return(func(context.Context, activities.CycleRef) (activities.PublishResult, error) {
		return activities.PublishResult{Statements: []activities.StatementRef{{Partner: "acme-games", SHA256: "x"}}}, f.errFor(lifecycle.StepPublish)
	})
	env.OnActivity(acts.Close, mock.Anything, mock.Anything).Return(func(context.Context, activities.CloseInput) error {
		return f.errFor(lifecycle.StepClose)
	})
	env.OnActivity(acts.DiscardStaging, mock.Anything, mock.Anything).Return(func(context.Context, activities.CompensateInput) (int64, error) {
		f.undo(lifecycle.StepPull)
		return 9, nil
	})
	env.OnActivity(acts.Reverse, mock.Anything, mock.Anything).Return(func(context.Context, activities.CompensateInput) (activities.PostResult, error) {
		f.mu.Lock()
		if f.undoFails > 0 {
			f.undoFails--
			f.mu.Unlock()
			return activities.PostResult{}, temporal.NewNonRetryableApplicationError("ledger unavailable", activities.ErrBadData, nil)
		}
		f.mu.Unlock()
		f.undo(lifecycle.StepPost)
		return activities.PostResult{Balanced: true}, nil
	})
	env.OnActivity(acts.Void, mock.Anything, mock.Anything).Return(func(context.Context, activities.CompensateInput) (int64, error) {
		f.undo(lifecycle.StepPublish)
		return 1, nil
	})
	env.OnActivity(acts.CheckApproval, mock.Anything, mock.Anything).Return(func(context.Context, activities.CycleRef) (activities.ApprovalCheck, error) {
		return activities.ApprovalCheck{Needed: len(f.approval) > 0, Reasons: f.approval}, nil
	})
	env.OnActivity(acts.CheckHistory, mock.Anything, mock.Anything).Return(func(context.Context, activities.CycleRef) (activities.HistoryCheck, error) {
		return activities.HistoryCheck{Anomalies: f.anomalies, Summary: "GGR in KRW held at the trailing 3-cycle mean."}, nil
	})
	env.OnActivity(acts.Alert, mock.Anything, mock.Anything).Return(func(context.Context, activities.AlertInput) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.alerts++
		return nil
	})
	env.OnActivity("RecordEvent", mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.EventInput) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.events = append(f.events, in.Kind+":"+in.Step)
		return nil
	})
	return env
}

func TestCycleHappyPath(t *testing.T) {
	f := &fakeSteps{}
	env := newEnv(t, f)
	env.ExecuteWorkflow(SettlementCycle, testInput())
	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow failed: %v", err)
	}
	var res CycleResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Status != lifecycle.StatusCompleted || len(res.Pulls) != 1 || res.Validation.Accepted != 8 || !res.Posting.Balanced ||
		res.Reconciliation.Total.Matched != 4 {
		t.Errorf("unexpected result: %+v", res)
	}
	if len(f.undone) != 0 {
		t.Errorf("compensations ran on success: %v", f.undone)
	}
	want := []string{"cycle.opened:", "step.started:pull", "step.completed:pull", "step.started:validate", "step.completed:validate",
		"step.started:reconcile", "step.completed:reconcile", "step.started:split", "step.completed:split", "step.started:approve", "step.completed:approve", "step.started:post", "step.completed:post",
		"step.started:publish", "step.completed:publish", "step.started:close", "step.completed:close", "cycle.completed:"}
	if !reflect.DeepEqual(f.events, want) {
		t.Errorf("events = %v\nwant %v", f.events, want)
	}
	status := queryStatus(t, env)
	for _, s := range status.Steps {
		if s.Status != lifecycle.StepDone {
			t.Errorf("step %s is %s, want completed", s.Name, s.Status)
		}
	}
	if status.Steps[1].Counts["staged"] != 9 || status.Steps[5].Name != lifecycle.StepApprove {
		t.Errorf("pull counts = %v", status.Steps[1].Counts)
	}
	if rc := status.Steps[3]; rc.Name != lifecycle.StepReconcile || rc.Counts["matched"] != 4 || rc.Counts["open"] != 1 {
		t.Errorf("reconcile step = %+v", rc)
	}
}

// A failure at each step blocks the cycle; an operator's abort then undoes
// exactly the steps registered before it, newest first. open's undo is the
// compensated status itself.
func TestCycleFailureAtEachStepCompensatesInReverse(t *testing.T) {
	cases := []struct {
		fail        string
		activities  []string // undo activities called, in order
		compensated []string // steps the status shows undone, in order
	}{
		{lifecycle.StepOpen, nil, nil},
		{lifecycle.StepPull, nil, []string{lifecycle.StepOpen}},
		{lifecycle.StepValidate, []string{lifecycle.StepPull}, []string{lifecycle.StepPull, lifecycle.StepOpen}},
		{lifecycle.StepReconcile, []string{lifecycle.StepPull}, []string{lifecycle.StepPull, lifecycle.StepOpen}},
		{lifecycle.StepSplit, []string{lifecycle.StepReconcile, lifecycle.StepPull}, []string{lifecycle.StepReconcile, lifecycle.StepPull, lifecycle.StepOpen}},
		{lifecycle.StepPost, []string{lifecycle.StepReconcile, lifecycle.StepPull}, []string{lifecycle.StepReconcile, lifecycle.StepPull, lifecycle.StepOpen}},
		{lifecycle.StepPublish, []string{lifecycle.StepPost, lifecycle.StepReconcile, lifecycle.StepPull},
			[]string{lifecycle.StepPost, lifecycle.StepReconcile, lifecycle.StepPull, lifecycle.StepOpen}},
		{lifecycle.StepClose, []string{lifecycle.StepPublish, lifecycle.StepPost, lifecycle.StepReconcile, lifecycle.StepPull},
			[]string{lifecycle.StepPublish, lifecycle.StepPost, lifecycle.StepReconcile, lifecycle.StepPull, lifecycle.StepOpen}},
	}
	for _, tc := range cases {
		t.Run(tc.fail, func(t *testing.T) {
			f := &fakeSteps{fail: tc.fail}
			env := newEnv(t, f)
			var blocked CycleStatus
			env.RegisterDelayedCallback(func() {
				blocked = queryStatus(t, env)
				sendAction(t, env, lifecycle.ActionAbort, "ops", "giving up", nil)
			}, time.Minute)
			env.ExecuteWorkflow(SettlementCycle, testInput())
			err := env.GetWorkflowError()
			var appErr *temporal.ApplicationError
			if !errors.As(err, &appErr) || appErr.Type() != errDecision {
				t.Fatalf("workflow error = %v, want the operator's abort", err)
			}
			if blocked.Status != lifecycle.StatusBlocked || blocked.Blocked == nil || blocked.Blocked.Step != tc.fail {
				t.Errorf("before the abort the cycle was %s %+v, want blocked on %s", blocked.Status, blocked.Blocked, tc.fail)
			}
			if !reflect.DeepEqual(f.undone, tc.activities) {
				t.Errorf("undo activities = %v, want %v", f.undone, tc.activities)
			}
			status := queryStatus(t, env)
			if !reflect.DeepEqual(status.Compensated, tc.compensated) {
				t.Errorf("compensated = %v, want %v", status.Compensated, tc.compensated)
			}
			if status.Status != lifecycle.StatusCompensated {
				t.Errorf("status = %s, want compensated", status.Status)
			}
			failed := 0
			for _, s := range status.Steps {
				if s.Status == lifecycle.StepFailed {
					failed++
					if s.Name != tc.fail || s.Error == "" {
						t.Errorf("step %s failed, want %s with an error", s.Name, tc.fail)
					}
				}
			}
			if failed != 1 {
				t.Errorf("%d failed steps, want 1", failed)
			}
		})
	}
}

// sendAction sends an operator Update and fails the test if its outcome is
// not the expected one (nil: accepted).
func sendAction(t *testing.T, env *testsuite.TestWorkflowEnvironment, action, actor, reason string, wantReject error) {
	t.Helper()
	env.UpdateWorkflow(action, action+"-"+actor+"-"+reason, &testsuite.TestUpdateCallback{
		OnAccept: func() {
			if wantReject != nil {
				t.Errorf("%s by %s accepted, want rejected with %v", action, actor, wantReject)
			}
		},
		OnReject: func(err error) {
			if wantReject == nil {
				t.Errorf("%s by %s rejected: %v", action, actor, err)
			}
		},
		OnComplete: func(any, error) {},
	}, ActionRequest{Actor: actor, Reason: reason})
}

func queryStatus(t *testing.T, env *testsuite.TestWorkflowEnvironment) CycleStatus {
	t.Helper()
	v, err := env.QueryWorkflow(QueryStatus)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	var s CycleStatus
	if err := v.Get(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

package workflows

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/lifecycle"
)

func scheduledEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	cat, err := catalog.Load("")
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	Register(env, &activities.Activities{Catalog: cat})
	return env
}

func TestScheduledCycleRefusesAStartByHand(t *testing.T) {
	env := scheduledEnv(t)
	env.ExecuteWorkflow(ScheduledCycle, ScheduledInput{Scope: "demo-casino"})
	var appErr *temporal.ApplicationError
	if err := env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != ErrNotScheduled || !appErr.NonRetryable() {
		t.Fatalf("want a non-retryable %s error, got %v", ErrNotScheduled, err)
	}
}

func TestScheduledCycleSettlesThePeriodBeforeItsNominalTime(t *testing.T) {
	env := scheduledEnv(t)
	// 2026-11-02 00:00 Asia/Seoul: the gaming day 2026-11-01 has just closed.
	nominal := time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)
	if err := env.SetTypedSearchAttributesOnStart(temporal.NewSearchAttributes(
		scheduledStartAttr.ValueSet(nominal), scheduledByAttr.ValueSet("settle-demo-casino"))); err != nil {
		t.Fatal(err)
	}
	var got CycleInput
	var childID string
	env.OnWorkflow(SettlementCycle, mock.Anything, mock.Anything).Return(func(ctx workflow.Context, in CycleInput) (CycleResult, error) {
		got, childID = in, workflow.GetInfo(ctx).WorkflowExecution.ID
		return CycleResult{Status: lifecycle.StatusCompleted}, nil
	})
	env.ExecuteWorkflow(ScheduledCycle, ScheduledInput{Scope: "demo-casino"})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res ScheduledResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	want := ScheduledResult{WorkflowID: "settle/demo-casino/2026-11-01", PeriodKey: "2026-11-01", Status: lifecycle.StatusRunning}
	if res != want {
		t.Errorf("result = %+v, want %+v", res, want)
	}
	if childID != want.WorkflowID {
		t.Errorf("child workflow ID = %q, want %q", childID, want.WorkflowID)
	}
	start := time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC)
	if got.PeriodKey != "2026-11-01" || !got.PeriodStart.Equal(start) || !got.PeriodEnd.Equal(nominal) ||
		got.Revision != 1 || got.StartedBy != "schedule:settle-demo-casino" {
		t.Errorf("child input = %+v", got)
	}
}

package workflows

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
)

// ScheduledInput is what a scope's Temporal Schedule passes every run. It
// names no period: the period comes from the run's nominal time, so a
// backfill and a late catch-up settle the right one.
type ScheduledInput struct {
	Scope  string
	Tuning Tuning
}

// ScheduledResult says which cycle a scheduled run started. Existing is
// true when that period's cycle was already running or completed, so this
// run started nothing.
type ScheduledResult struct {
	WorkflowID string
	PeriodKey  string
	Existing   bool
	Status     string
}

// ErrNotScheduled is the error type of a ScheduledCycle started by hand.
const ErrNotScheduled = "NotScheduled"

// Set by the Temporal server on every workflow a Schedule starts, including
// triggers and backfills.
var (
	scheduledStartAttr = temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime")
	scheduledByAttr    = temporal.NewSearchAttributeKeyKeyword("TemporalScheduledById")
)

// ScheduledCycle is the action of a scope's schedule: it works out which
// period the run's nominal time settles and starts that period's
// SettlementCycle as an abandoned child under the cycle's own workflow ID,
// so a period is never settled twice at once however runs overlap.
func ScheduledCycle(ctx workflow.Context, in ScheduledInput) (ScheduledResult, error) {
	attrs := workflow.GetTypedSearchAttributes(ctx)
	nominal, ok := attrs.GetTime(scheduledStartAttr)
	if !ok {
		return ScheduledResult{}, temporal.NewNonRetryableApplicationError(
			"ScheduledCycle has no TemporalScheduledStartTime, so it was not started by a Temporal Schedule; "+
				"settle a period by hand with `settleflow cycle start`", ErrNotScheduled, nil)
	}
	if in.Scope == "" {
		return ScheduledResult{}, temporal.NewNonRetryableApplicationError("ScheduledCycle needs a scope", activities.ErrBadData, nil)
	}

	var period activities.PeriodResult
	err := workflow.ExecuteLocalActivity(resolveOptions(ctx), "ResolvePeriod",
		activities.PeriodRequest{Scope: in.Scope, Nominal: nominal}).Get(ctx, &period)
	if err != nil {
		return ScheduledResult{}, fmt.Errorf("scope %s: resolve the period for nominal time %s: %w", in.Scope, nominal.UTC().Format(time.RFC3339), err)
	}

	startedBy := "schedule:" + in.Scope
	if id, ok := attrs.GetKeyword(scheduledByAttr); ok && id != "" {
		startedBy = "schedule:" + id
	}
	id := WorkflowID(in.Scope, period.Key)
	cin := CycleInput{Scope: in.Scope, PeriodKey: period.Key, PeriodStart: period.Start, PeriodEnd: period.End,
		Revision: 1, StartedBy: startedBy, Tuning: in.Tuning}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: id,
		TaskQueue:  TaskQueue,
		// A compensated (failed) cycle may be settled again; a running or
		// completed one may not.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		// The cycle outlives this run: cancelling or terminating a scheduled
		// run (overlap policies do) must not stop a settlement half way.
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			ScopeAttr.ValueSet(cin.Scope), PeriodAttr.ValueSet(cin.PeriodKey),
			RevisionAttr.ValueSet(int64(cin.Revision)), StatusAttr.ValueSet(lifecycle.StatusRunning)),
	})
	child := workflow.ExecuteChildWorkflow(cctx, SettlementCycle, cin)

	res := ScheduledResult{WorkflowID: id, PeriodKey: period.Key}
	if err := child.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
			res.Existing = true
			return res, nil
		}
		return res, fmt.Errorf("start cycle %s: %w", id, err)
	}
	// The run ends once the cycle has started: a cycle that blocks or waits
	// for approval for days must not make the schedule skip the next
	// periods as overlapping runs.
	res.Status = lifecycle.StatusRunning
	return res, nil
}

// resolveOptions retry a transient failure briefly; an unknown scope is bad
// data and fails the run at once.
func resolveOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        10 * time.Second,
			NonRetryableErrorTypes: []string{activities.ErrBadData},
		},
	})
}

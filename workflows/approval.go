package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
)

// approve is the approval gate. When the scope's rules ask for approval
// (amounts or rejects above thresholds, a new agreement version, a stage-3
// anomaly, or always)
// the cycle waits for an operator other than the one who started it to
// approve or reject; a rejection or abort ends the cycle.
func (c *cycle) approve(ctx workflow.Context) error {
	if err := c.checkHistory(ctx); err != nil {
		return err
	}
	var check activities.ApprovalCheck
	if err := workflow.ExecuteActivity(c.stepOptions(ctx, lifecycle.StepApprove), acts.CheckApproval, c.ref()).Get(ctx, &check); err != nil {
		return err
	}
	if !check.Needed {
		c.count(lifecycle.StepApprove, "required", 0)
		return nil
	}
	c.status.Episode++
	c.status.Approval = &Approval{Reasons: check.Reasons}
	c.status.Status = lifecycle.StatusAwaitingApproval
	c.stepState(lifecycle.StepApprove).Status = lifecycle.StepWaiting
	c.upsertStatus(ctx, lifecycle.StatusAwaitingApproval, "")
	if err := c.record(ctx, event{kind: lifecycle.EventApprovalRequested, step: lifecycle.StepApprove, status: lifecycle.StatusAwaitingApproval,
		payload: map[string]any{"reasons": check.Reasons}}); err != nil {
		return err
	}
	if err := workflow.Await(ctx, c.hasDecision); err != nil {
		return err
	}
	d := c.takeDecision()
	c.status.Approval.Decision, c.status.Approval.Actor = d.action, d.actor
	c.status.Status = lifecycle.StatusRunning
	c.upsertStatus(ctx, lifecycle.StatusRunning, "")
	c.count(lifecycle.StepApprove, "required", 1)
	if d.action != lifecycle.ActionApprove {
		return d.err()
	}
	return c.record(ctx, event{kind: lifecycle.EventApprovalGranted, step: lifecycle.StepApprove, actor: d.actor, status: lifecycle.StatusRunning})
}

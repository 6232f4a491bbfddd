package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
)

// approve is the approval gate. When the scope's rules ask for approval
// (amounts or rejects above thresholds, a new agreement version, or always)
// the cycle waits for an operator other than the one who started it to
// approve or reject; a rejection or abort ends the cycle.
func (c *cycle) approve(ctx workflow.Context) error {
	var check activities.ApprovalCheck
	if err := workflow.ExecuteActivity(c.in.Tuning.stepOptions(ctx), acts.CheckApproval, c.ref()).Get(ctx, &check); err != nil {
		return err
	}
	if !check.Needed {
		c.count(StepApprove, "required", 0)
		return nil
	}
	c.status.Episode++
	c.status.Approval = &Approval{Reasons: check.Reasons}
	c.status.Status = StatusAwaitingApproval
	c.stepState(StepApprove).Status = StepWaiting
	c.upsertStatus(ctx, StatusAwaitingApproval, "")
	if err := c.record(ctx, event{kind: "approval.requested", step: StepApprove, status: StatusAwaitingApproval,
		payload: map[string]any{"reasons": check.Reasons}}); err != nil {
		return err
	}
	if err := workflow.Await(ctx, c.hasDecision); err != nil {
		return err
	}
	d := c.takeDecision()
	c.status.Approval.Decision, c.status.Approval.Actor = d.action, d.actor
	c.status.Status = StatusRunning
	c.upsertStatus(ctx, StatusRunning, "")
	c.count(StepApprove, "required", 1)
	if d.action != ActionApprove {
		return d.err()
	}
	return c.record(ctx, event{kind: "approval.granted", step: StepApprove, actor: d.actor, status: StatusRunning})
}

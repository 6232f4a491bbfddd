package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/scope"
)

// abort undoes open: the cycle's status becomes compensated once every
// other undo has run (see compensate), so here there is nothing to call.
func (c *cycle) abort(workflow.Context, string) error { return nil }

func (c *cycle) discardStaging(ctx workflow.Context, reason string) error {
	return workflow.ExecuteActivity(c.stepOptions(ctx, scope.StepUndo), acts.DiscardStaging,
		activities.CompensateInput{CycleID: c.id, Reason: reason}).Get(ctx, nil)
}

func (c *cycle) reverse(ctx workflow.Context, reason string) error {
	return workflow.ExecuteActivity(c.stepOptions(ctx, scope.StepUndo), acts.Reverse,
		activities.CompensateInput{CycleID: c.id, Reason: reason}).Get(ctx, nil)
}

func (c *cycle) void(ctx workflow.Context, reason string) error {
	return workflow.ExecuteActivity(c.stepOptions(ctx, scope.StepUndo), acts.Void,
		activities.CompensateInput{CycleID: c.id, Reason: reason}).Get(ctx, nil)
}

func (c *cycle) undoReconcile(ctx workflow.Context, reason string) error {
	return workflow.ExecuteActivity(c.stepOptions(ctx, scope.StepUndo), acts.UndoReconcile,
		activities.CompensateInput{CycleID: c.id, Reason: reason}).Get(ctx, nil)
}

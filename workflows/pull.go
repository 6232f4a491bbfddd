package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
)

// PullSourceInput names the source a PullSource child pulls.
type PullSourceInput struct {
	Pull   activities.PullInput
	Tuning Tuning
}

// PullSource pulls one source of a cycle into staging. It is a child
// workflow so each source has its own history and can be looked at alone.
func PullSource(ctx workflow.Context, in PullSourceInput) (activities.PullResult, error) {
	var res activities.PullResult
	err := workflow.ExecuteActivity(in.Tuning.pullOptions(ctx), acts.Pull, in.Pull).Get(ctx, &res)
	return res, err
}

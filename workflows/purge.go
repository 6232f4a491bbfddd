package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
)

// PurgeWorkflowID is the workflow ID of the retention purge's schedule
// action; a purge started by hand gets a suffix.
const PurgeWorkflowID = "retention-purge"

// RetentionPurge removes what every scope's retention says has expired and
// nothing a legal hold covers (see activities.Purge). The cut-offs are
// counted back from the run's start, so a retried run removes the same.
func RetentionPurge(ctx workflow.Context) (activities.PurgeResult, error) {
	info := workflow.GetInfo(ctx)
	in := activities.PurgeInput{
		PurgeID: activities.PurgeID(info.WorkflowExecution.ID, info.WorkflowExecution.RunID),
		At:      workflow.Now(ctx),
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 6 * time.Hour,
		HeartbeatTimeout:    2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Minute,
			BackoffCoefficient:     2,
			MaximumInterval:        30 * time.Minute,
			MaximumAttempts:        10,
			NonRetryableErrorTypes: []string{activities.ErrBadData},
		},
	})
	var res activities.PurgeResult
	err := workflow.ExecuteActivity(ctx, acts.Purge, in).Get(ctx, &res)
	return res, err
}

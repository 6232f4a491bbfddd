package platform

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/workflows"
)

// PurgeScheduleID names the one Temporal Schedule of the retention purge,
// which purges every scope by its own retention.
const PurgeScheduleID = "retention-purge"

// CreatePurgeSchedule runs the retention purge every interval, offset from
// midnight UTC (every 24h offset 3h: daily at 03:00 UTC). A run never
// overlaps the one before.
func CreatePurgeSchedule(ctx context.Context, c client.Client, every, offset time.Duration) error {
	if every <= 0 || offset < 0 || offset >= every {
		return fmt.Errorf("purge schedule: every %s with offset %s: want every > 0 and 0 ≤ offset < every", every, offset)
	}
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:   PurgeScheduleID,
		Spec: client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: every, Offset: offset}}},
		Action: &client.ScheduleWorkflowAction{
			ID: workflows.PurgeWorkflowID, Workflow: workflows.RetentionPurge, TaskQueue: workflows.TaskQueue,
		},
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
	})
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return fmt.Errorf("schedule %s exists; delete it first to change it", PurgeScheduleID)
	}
	if err != nil {
		return fmt.Errorf("create schedule %s: %w", PurgeScheduleID, err)
	}
	return nil
}

// DeletePurgeSchedule removes the purge's schedule; a run in progress
// finishes.
func DeletePurgeSchedule(ctx context.Context, c client.Client) error {
	err := c.ScheduleClient().GetHandle(ctx, PurgeScheduleID).Delete(ctx)
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return fmt.Errorf("there is no schedule %s", PurgeScheduleID)
	}
	if err != nil {
		return fmt.Errorf("delete schedule %s: %w", PurgeScheduleID, err)
	}
	return nil
}

// StartPurge starts a run of the retention purge now; its result is an
// activities.PurgeResult.
func StartPurge(ctx context.Context, c client.Client) (client.WorkflowRun, error) {
	id := workflows.PurgeWorkflowID + "/manual-" + time.Now().UTC().Format("20060102T150405.000Z")
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue}, workflows.RetentionPurge)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", id, err)
	}
	return run, nil
}

// WaitPurge waits for a purge run and returns what it removed.
func WaitPurge(ctx context.Context, run client.WorkflowRun) (activities.PurgeResult, error) {
	var res activities.PurgeResult
	if err := run.Get(ctx, &res); err != nil {
		return res, fmt.Errorf("%s: %w", run.GetID(), err)
	}
	return res, nil
}

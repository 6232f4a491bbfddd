package workflows

import (
	"fmt"
	"io"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// ReadHistoryJSON reads a history exported as JSON (by `settleflow history
// export` or `temporal workflow show --output json`).
func ReadHistoryJSON(r io.Reader) (*historypb.History, error) {
	h, err := client.HistoryFromJSON(r, client.HistoryJSONOptions{})
	if err != nil {
		return nil, fmt.Errorf("read history JSON: %w", err)
	}
	if len(h.GetEvents()) == 0 {
		return nil, fmt.Errorf("history has no events")
	}
	return h, nil
}

// Replay runs a recorded history against this binary's workflow code and
// returns a nondeterminism error if the code would not have produced it.
// The original workflow and run IDs are restored from the history, since
// the cycle derives IDs from them.
func Replay(h *historypb.History) error {
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflow(SettlementCycle)
	r.RegisterWorkflow(PullSource)
	r.RegisterWorkflow(ScheduledCycle)
	r.RegisterWorkflow(RetentionPurge)
	return replayWith(r, h)
}

func replayWith(r worker.WorkflowReplayer, h *historypb.History) error {
	started := h.GetEvents()[0].GetWorkflowExecutionStartedEventAttributes()
	if started == nil {
		return fmt.Errorf("history does not begin with WorkflowExecutionStarted")
	}
	err := r.ReplayWorkflowHistoryWithOptions(nil, h, worker.ReplayWorkflowHistoryOptions{
		OriginalExecution: workflow.Execution{ID: started.GetWorkflowId(), RunID: started.GetOriginalExecutionRunId()},
	})
	if err != nil {
		return fmt.Errorf("replay of %s (run %s): %w", started.GetWorkflowId(), started.GetOriginalExecutionRunId(), err)
	}
	return nil
}

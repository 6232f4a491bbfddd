package platform

import (
	"context"
	"fmt"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/settleflow/settleflow/workflows"
)

// Act sends an operator action to a cycle as a workflow Update and waits
// for its outcome. The update ID names the action, the actor and the wait
// the cycle is in, so the same command sent twice is applied once.
func Act(ctx context.Context, c client.Client, workflowID, action, actor, reason string) (workflows.ActionResult, error) {
	st, err := QueryCycle(ctx, c, workflowID, "")
	if err != nil {
		return workflows.ActionResult{}, err
	}
	handle, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   workflowID,
		UpdateID:     fmt.Sprintf("%s/%d/%s", action, st.Episode, actor),
		UpdateName:   action,
		Args:         []any{workflows.ActionRequest{Actor: actor, Reason: reason}},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return workflows.ActionResult{}, fmt.Errorf("%s %s refused: %w", action, workflowID, err)
	}
	var res workflows.ActionResult
	if err := handle.Get(ctx, &res); err != nil {
		return res, fmt.Errorf("%s %s refused: %w", action, workflowID, err)
	}
	return res, nil
}

// CycleListing is one cycle as visibility lists it.
type CycleListing struct {
	WorkflowID string
	RunID      string
	Status     string // the cycle's own status (search attribute)
	Execution  string // Temporal's execution status
	Scope      string
	Period     string
	Revision   int64
	Started    time.Time
	Closed     time.Time
}

// ListCycles lists cycles from visibility, newest first, optionally only
// of one scope and one status.
func ListCycles(ctx context.Context, c client.Client, scope, status string, limit int) ([]CycleListing, error) {
	query := []string{"WorkflowType = 'SettlementCycle'"}
	if scope != "" {
		query = append(query, fmt.Sprintf("%s = %q", workflows.ScopeAttr.GetName(), scope))
	}
	if status != "" {
		query = append(query, fmt.Sprintf("%s = %q", workflows.StatusAttr.GetName(), status))
	}
	var out []CycleListing
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: strings.Join(query, " AND "), NextPageToken: token, PageSize: 100,
		})
		if err != nil {
			return nil, fmt.Errorf("list cycles: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			l := CycleListing{WorkflowID: e.GetExecution().GetWorkflowId(), RunID: e.GetExecution().GetRunId(),
				Execution: strings.ToLower(strings.TrimPrefix(e.GetStatus().String(), "WORKFLOW_EXECUTION_STATUS_")),
				Started:   e.GetStartTime().AsTime()}
			if e.GetStatus() != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
				l.Closed = e.GetCloseTime().AsTime()
			}
			if err := decodeListing(&l, e.GetSearchAttributes().GetIndexedFields()); err != nil {
				return nil, fmt.Errorf("cycle %s: %w", l.WorkflowID, err)
			}
			out = append(out, l)
			if limit > 0 && len(out) >= limit {
				return out, nil
			}
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			return out, nil
		}
	}
}

// decodeListing fills the listing from the cycle's search attributes; a
// cycle started without one (an old run) leaves that field empty.
func decodeListing(l *CycleListing, sa map[string]*commonpb.Payload) error {
	dc := converter.GetDefaultDataConverter()
	for name, v := range map[string]any{
		workflows.StatusAttr.GetName(): &l.Status, workflows.ScopeAttr.GetName(): &l.Scope,
		workflows.PeriodAttr.GetName(): &l.Period, workflows.RevisionAttr.GetName(): &l.Revision,
	} {
		p, ok := sa[name]
		if !ok {
			continue
		}
		if err := dc.FromPayload(p, v); err != nil {
			return fmt.Errorf("search attribute %s: %w", name, err)
		}
	}
	return nil
}

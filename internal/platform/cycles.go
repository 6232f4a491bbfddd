package platform

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/settleflow/settleflow/internal/calendar"
	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/workflows"
)

// StartRequest asks for one scope's period to be settled.
type StartRequest struct {
	Scope     string
	Period    string // as a person writes it: 2026-11-01, 2026-11, or start/end
	StartedBy string
	// Revise settles a completed period again as a new revision.
	Revise bool
	// IdempotencyKey, with Revise, makes the request safe to repeat: a
	// revision already started with the key is returned, not started again.
	IdempotencyKey string
	// Force, when not empty, is why an operator settles a period whose
	// end plus the scope's late-data grace has not passed; it is recorded.
	Force  string
	Tuning workflows.Tuning
}

// Started identifies the cycle run that settles the period. Existing is
// true when the period was already being settled or was settled before: no
// second run was started.
type Started struct {
	WorkflowID string
	RunID      string
	Existing   bool
	Status     enumspb.WorkflowExecutionStatus
	Input      workflows.CycleInput
}

// CycleInput resolves a person's period against the scope's calendar.
func CycleInput(cat catalog.Catalog, scopeName, period, startedBy string) (workflows.CycleInput, error) {
	sc, err := cat.Scope(scopeName)
	if err != nil {
		return workflows.CycleInput{}, err
	}
	p, err := sc.Calendar.Parse(period)
	if err != nil {
		return workflows.CycleInput{}, fmt.Errorf("scope %s: period %q: %w", scopeName, period, err)
	}
	return inputFor(sc.Name, sc.Calendar, p, startedBy), nil
}

func inputFor(scope string, cal calendar.Calendar, p calendar.Period, startedBy string) workflows.CycleInput {
	return workflows.CycleInput{Scope: scope, PeriodKey: cal.Key(p), PeriodStart: p.Start, PeriodEnd: p.End,
		Revision: 1, StartedBy: startedBy}
}

// ResolveStart checks a start request against the catalog and the clock,
// before anything connects: the scope and period must exist, and the
// period must have ended, its late-data grace included, unless the
// request is forced with a reason.
func ResolveStart(cat catalog.Catalog, req StartRequest, now time.Time) (workflows.CycleInput, error) {
	in, err := CycleInput(cat, req.Scope, req.Period, req.StartedBy)
	if err != nil {
		return in, err
	}
	in.Tuning, in.Revise, in.Forced = req.Tuning, req.Revise, strings.TrimSpace(req.Force)
	if in.Forced != "" {
		return in, nil
	}
	sc, err := cat.Scope(req.Scope)
	if err != nil {
		return in, err
	}
	return in, sc.CheckEnded(calendar.Period{Start: in.PeriodStart, End: in.PeriodEnd}, now)
}

// StartCycle starts the cycle workflow for the period unless a run for it
// is already going or has completed; a failed (compensated) run may be
// started again.
func StartCycle(ctx context.Context, c client.Client, cat catalog.Catalog, req StartRequest) (Started, error) {
	in, err := ResolveStart(cat, req, time.Now())
	if err != nil {
		return Started{}, err
	}
	if !in.Revise || req.IdempotencyKey == "" {
		return start(ctx, c, in, nil)
	}
	s, found, err := startedWithKey(ctx, c, in, req.IdempotencyKey)
	if err != nil || found {
		return s, err
	}
	return start(ctx, c, in, map[string]any{reviseKeyMemo: req.IdempotencyKey})
}

func start(ctx context.Context, c client.Client, in workflows.CycleInput, memo map[string]any) (Started, error) {
	id := workflows.WorkflowID(in.Scope, in.PeriodKey)
	// A completed period is settled again only when a revision is asked
	// for; a compensated one may always be retried. Either way Temporal
	// refuses a second run while one is open.
	reuse := enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY
	if in.Revise {
		reuse = enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                                       id,
		TaskQueue:                                workflows.TaskQueue,
		WorkflowIDReusePolicy:                    reuse,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		Memo:                                     memo,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.ScopeAttr.ValueSet(in.Scope), workflows.PeriodAttr.ValueSet(in.PeriodKey),
			workflows.RevisionAttr.ValueSet(int64(in.Revision)), workflows.StatusAttr.ValueSet(lifecycle.StatusRunning)),
	}, workflows.SettlementCycle, in)
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &already) {
		desc, derr := c.DescribeWorkflowExecution(ctx, id, "")
		if derr != nil {
			return Started{}, fmt.Errorf("cycle %s exists but cannot be described: %w", id, derr)
		}
		info := desc.GetWorkflowExecutionInfo()
		return Started{WorkflowID: id, RunID: info.GetExecution().GetRunId(), Existing: true, Status: info.GetStatus(), Input: in}, nil
	}
	if err != nil {
		return Started{}, fmt.Errorf("start cycle %s: %w", id, err)
	}
	return Started{WorkflowID: id, RunID: run.GetRunID(), Status: enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, Input: in}, nil
}

// WaitCycle waits for a cycle run to finish and returns its result.
func WaitCycle(ctx context.Context, c client.Client, workflowID, runID string) (workflows.CycleResult, error) {
	var res workflows.CycleResult
	err := c.GetWorkflow(ctx, workflowID, runID).Get(ctx, &res)
	return res, err
}

// QueryCycle returns a cycle's live status from its workflow.
func QueryCycle(ctx context.Context, c client.Client, workflowID, runID string) (workflows.CycleStatus, error) {
	var st workflows.CycleStatus
	v, err := c.QueryWorkflow(ctx, workflowID, runID, workflows.QueryStatus)
	if err != nil {
		return st, fmt.Errorf("query cycle %s: %w", workflowID, err)
	}
	return st, v.Get(&st)
}

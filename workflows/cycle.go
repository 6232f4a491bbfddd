package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/scope"
)

// acts is only used for its method names; the worker's registered value
// runs them.
var acts *activities.Activities

// SettlementCycle settles one scope for one period as a saga: open, pull
// every source, validate, reconcile the sources with each other, split, wait for approval when the scope's rules
// ask for it, post to the ledger, publish statements and close. A step that
// fails after its retries blocks until an operator retries, skips or aborts
// it; an abort undoes the steps before it, newest first.
func SettlementCycle(ctx workflow.Context, in CycleInput) (CycleResult, error) {
	return runSaga(ctx, in, func(_ workflow.Context, c *cycle) []step { return c.steps() })
}

// runSaga runs the saga over the steps plan gives; tests give other plans to
// show what versioning protects.
func runSaga(ctx workflow.Context, in CycleInput, plan func(workflow.Context, *cycle) []step) (CycleResult, error) {
	c, err := newCycle(ctx, in)
	if err != nil {
		return CycleResult{}, err
	}
	for _, s := range plan(ctx, c) {
		if err := c.run(ctx, s); err != nil {
			c.compensate(ctx, s.name, err)
			return c.result, err
		}
	}
	return c.result, c.finish(ctx, lifecycle.EventCycleCompleted, lifecycle.StatusCompleted)
}

// steps lists the saga's steps in order, each with the undo it registers.
func (c *cycle) steps() []step {
	steps := []step{
		{name: lifecycle.StepOpen, run: c.open, undo: c.abort},
		{name: lifecycle.StepPull, run: c.pull, undo: c.discardStaging, canSkip: c.failedSourcesOptional, skip: c.skipFailedSources},
		{name: lifecycle.StepValidate, run: c.validate},
	}
	if c.features.reconcile {
		steps = append(steps, step{name: lifecycle.StepReconcile, run: c.reconcile, undo: c.undoReconcile})
	}
	steps = append(steps, step{name: lifecycle.StepSplit, run: c.split})
	if c.features.operatorActions {
		steps = append(steps, step{name: lifecycle.StepApprove, run: c.approve})
	}
	return append(steps,
		step{name: lifecycle.StepPost, run: c.post, undo: c.reverse},
		step{name: lifecycle.StepPublish, run: c.publish, undo: c.void},
		step{name: lifecycle.StepClose, run: c.close},
	)
}

func (c *cycle) open(ctx workflow.Context) error {
	var res activities.OpenResult
	err := workflow.ExecuteActivity(c.stepOptions(ctx, lifecycle.StepOpen), acts.Open, activities.OpenInput{
		CycleID: c.id, WorkflowID: c.status.WorkflowID, RunID: workflow.GetInfo(ctx).WorkflowExecution.RunID,
		Scope: c.in.Scope, PeriodKey: c.in.PeriodKey, PeriodStart: c.in.PeriodStart, PeriodEnd: c.in.PeriodEnd,
		Revision: c.in.Revision, Revise: c.in.Revise, StartedBy: c.in.StartedBy, Forced: c.in.Forced,
	}).Get(ctx, &res)
	if err != nil {
		return err
	}
	c.sources = res.Sources
	c.autoAbortAfter = res.AutoAbortAfter
	c.policies = scope.Resilience{Steps: res.Steps}
	c.opened = true
	if c.in.Revise {
		c.setRevision(ctx, res.Revision)
	}
	payload := map[string]any{"scope": c.in.Scope, "period": c.in.PeriodKey, "revision": c.in.Revision,
		"started_by": c.in.StartedBy, "agreements": res.Agreements}
	if c.in.Forced != "" {
		payload["forced"] = c.in.Forced
	}
	return c.record(ctx, event{kind: lifecycle.EventCycleOpened, payload: payload})
}

// pull runs one child workflow per source not pulled yet, all at once, and
// fails if any source fails once every child has finished; a retry pulls
// only the sources that failed. A source switched to its fallback (by an
// operator, or at once when its scope says fallback_mode: auto) is settled
// from its fallback's records instead, once the fallback is pulled.
func (c *cycle) pull(ctx workflow.Context) error {
	pending := c.unpulledSources()
	c.failedSources = nil
	var direct []activities.SourceRef
	for _, src := range pending {
		if _, switched := c.fallbacks[src.Name]; !switched {
			direct = append(direct, src)
		}
	}
	futures := make([]workflow.ChildWorkflowFuture, len(direct))
	for i, src := range direct {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:          c.status.WorkflowID + "/pull/" + src.Name,
			WaitForCancellation: c.features.abortRunning,
		})
		futures[i] = workflow.ExecuteChildWorkflow(cctx, PullSource, PullSourceInput{
			Pull: activities.PullInput{CycleID: c.id, Scope: c.in.Scope, Source: src.Name,
				PeriodStart: c.in.PeriodStart, PeriodEnd: c.in.PeriodEnd},
			Tuning: c.in.Tuning, Slices: src.Slices, Parallel: src.Parallel,
			Policy: c.policies.Step(lifecycle.StepPull), Cancellable: c.features.abortRunning,
		})
	}
	var firstErr error
	fail := func(src activities.SourceRef, err error) {
		if firstErr == nil {
			firstErr = err
		}
		c.failedSources = append(c.failedSources, src)
	}
	var failed []sourceFailure
	for i, f := range futures {
		var res activities.PullResult
		if err := f.Get(ctx, &res); err != nil {
			failed = append(failed, sourceFailure{direct[i], err})
			continue
		}
		c.pulledFrom(res)
	}
	for _, f := range failed {
		if !c.fallBackAutomatically(f.src, f.err) {
			fail(f.src, f.err)
		}
	}
	for _, src := range pending {
		if _, switched := c.fallbacks[src.Name]; !switched || c.pulled[src.Name] {
			continue
		}
		res, err := c.pullFromFallback(ctx, src)
		if err != nil {
			fail(src, err)
			continue
		}
		c.pulledFrom(res)
	}
	return firstErr
}

type sourceFailure struct {
	src activities.SourceRef
	err error
}

// pulledFrom records a source's finished pull.
func (c *cycle) pulledFrom(res activities.PullResult) {
	c.markPulled(res.Source)
	c.result.Pulls = append(c.result.Pulls, res)
	c.count(lifecycle.StepPull, "received", int64(res.Progress.Received))
	c.count(lifecycle.StepPull, "staged", int64(res.Progress.Inserted))
	c.count(lifecycle.StepPull, "duplicates", int64(res.Progress.Duplicates))
	c.count(lifecycle.StepPull, "pages", int64(res.Progress.Pages))
	c.count(lifecycle.StepPull, "rejects", int64(res.Progress.Rejects))
}

func (c *cycle) validate(ctx workflow.Context) error {
	res := &c.result.Validation
	if err := workflow.ExecuteActivity(c.stepOptions(ctx, lifecycle.StepValidate), acts.Validate, c.ref()).Get(ctx, res); err != nil {
		return err
	}
	c.count(lifecycle.StepValidate, "staged", res.Staged)
	c.count(lifecycle.StepValidate, "accepted", res.Accepted)
	c.count(lifecycle.StepValidate, "rejected", res.Rejected+res.FormatRejects+res.Conflicts)
	return nil
}

// reconcile matches the scope's pairs of sources and records the breaks.
// When the scope blocks on open breaks above its thresholds the step fails
// with the reasons and waits for an operator, who resolves them and
// retries; when it sends them to approval the approve step lists them.
func (c *cycle) reconcile(ctx workflow.Context) error {
	res := &c.result.Reconciliation
	if err := workflow.ExecuteActivity(c.stepOptions(ctx, lifecycle.StepReconcile), acts.Reconcile, c.ref()).Get(ctx, res); err != nil {
		return err
	}
	t := res.Total
	c.count(lifecycle.StepReconcile, "matched", t.Matched)
	c.count(lifecycle.StepReconcile, "auto_resolved", t.AutoResolved)
	c.count(lifecycle.StepReconcile, "open", t.Open)
	c.count(lifecycle.StepReconcile, "carried_in", res.CarriedIn)
	return nil
}

func (c *cycle) split(ctx workflow.Context) error {
	var res activities.SplitResult
	if err := workflow.ExecuteActivity(c.stepOptions(ctx, lifecycle.StepSplit), acts.Split, c.ref()).Get(ctx, &res); err != nil {
		return err
	}
	c.result.Shares, c.result.Corrections = res.Shares, res.Corrections
	c.count(lifecycle.StepSplit, "shares", int64(len(res.Shares)))
	return nil
}

func (c *cycle) post(ctx workflow.Context) error {
	res := &c.result.Posting
	if err := workflow.ExecuteActivity(c.stepOptions(ctx, lifecycle.StepPost), acts.Post, c.ref()).Get(ctx, res); err != nil {
		return err
	}
	c.count(lifecycle.StepPost, "lines", int64(res.Lines))
	return nil
}

func (c *cycle) publish(ctx workflow.Context) error {
	var res activities.PublishResult
	if err := workflow.ExecuteActivity(c.stepOptions(ctx, lifecycle.StepPublish), acts.Publish, c.ref()).Get(ctx, &res); err != nil {
		return err
	}
	c.result.Statements = res.Statements
	c.count(lifecycle.StepPublish, "statements", int64(len(res.Statements)))
	return nil
}

func (c *cycle) close(ctx workflow.Context) error {
	c.result.Status = lifecycle.StatusCompleted
	summary, err := jsonOf(c.result)
	if err != nil {
		return err
	}
	err = workflow.ExecuteActivity(c.stepOptions(ctx, lifecycle.StepClose), acts.Close, activities.CloseInput{CycleID: c.id, Summary: summary}).Get(ctx, nil)
	if err != nil {
		c.result.Status = lifecycle.StatusRunning
	}
	return err
}

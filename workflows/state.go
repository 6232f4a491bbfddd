package workflows

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/scope"
)

// step is one saga step: run does the work; undo, if any, is registered
// once run succeeds and is called with the reason when the cycle aborts.
// canSkip and skip, when set, let an operator skip the step after it fails.
type step struct {
	name    string
	run     func(workflow.Context) error
	undo    func(workflow.Context, string) error
	canSkip func() bool
	skip    func(workflow.Context) error
}

type compensation struct {
	step string
	undo func(workflow.Context, string) error
}

// cycle is the workflow's state: what the query shows, what the saga must
// undo, and the event log's next sequence number.
type cycle struct {
	in             CycleInput
	id             uuid.UUID
	features       features
	seq            int
	opened         bool // events can be recorded once the cycle row exists
	sources        []activities.SourceRef
	pulled         map[string]bool
	failedSources  []activities.SourceRef
	historyChecked bool                   // stage 3 ran; a retried approval does not log it again
	fallbacks      map[string]fallbackUse // by the name of the source they stand in for
	autoAbortAfter time.Duration
	policies       scope.Resilience // frozen at open
	saga           []compensation
	pending        *decision // an operator's decision not yet acted on
	deciding       bool      // an Update handler is recording its action
	running        string    // the step whose attempt is under way, if any
	cancelStep     workflow.CancelFunc
	status         CycleStatus
	result         CycleResult
}

func newCycle(ctx workflow.Context, in CycleInput) (*cycle, error) {
	if in.Scope == "" || in.PeriodKey == "" || !in.PeriodStart.Before(in.PeriodEnd) {
		return nil, fmt.Errorf("cycle input needs a scope, a period key and a non-empty period: %+v", in)
	}
	if in.Revision == 0 {
		in.Revision = 1
	}
	exec := workflow.GetInfo(ctx).WorkflowExecution
	c := &cycle{in: in, id: activities.CycleID(exec.ID, exec.RunID), features: readFeatures(ctx)}
	c.status = CycleStatus{CycleID: c.id.String(), WorkflowID: exec.ID, Scope: in.Scope, PeriodKey: in.PeriodKey,
		PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd, Revision: in.Revision, Status: lifecycle.StatusRunning, StartedBy: in.StartedBy}
	for _, s := range c.steps() {
		c.status.Steps = append(c.status.Steps, StepState{Name: s.name, Status: lifecycle.StepPending, Counts: map[string]int64{}})
	}
	c.result = CycleResult{CycleID: c.status.CycleID, WorkflowID: exec.ID, Scope: in.Scope, PeriodKey: in.PeriodKey,
		Revision: in.Revision, Status: lifecycle.StatusRunning}
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (CycleStatus, error) { return c.status, nil }); err != nil {
		return nil, err
	}
	if c.features.operatorActions {
		if err := c.registerActions(ctx); err != nil {
			return nil, err
		}
	}
	err := workflow.UpsertTypedSearchAttributes(ctx, ScopeAttr.ValueSet(in.Scope), PeriodAttr.ValueSet(in.PeriodKey),
		RevisionAttr.ValueSet(int64(in.Revision)), StatusAttr.ValueSet(lifecycle.StatusRunning))
	return c, err
}

func (c *cycle) ref() activities.CycleRef { return activities.CycleRef{CycleID: c.id} }

// stepState returns the query state of a step, or nil for names that are
// not steps (such as "undo post").
func (c *cycle) stepState(name string) *StepState {
	for i := range c.status.Steps {
		if c.status.Steps[i].Name == name {
			return &c.status.Steps[i]
		}
	}
	return nil
}

func (c *cycle) count(stepName, key string, n int64) {
	if st := c.stepState(stepName); st != nil {
		st.Counts[key] += n
	}
}

func (c *cycle) setRevision(ctx workflow.Context, revision int) {
	c.in.Revision, c.status.Revision, c.result.Revision = revision, revision, revision
	if err := workflow.UpsertTypedSearchAttributes(ctx, RevisionAttr.ValueSet(int64(revision))); err != nil {
		workflow.GetLogger(ctx).Error("upsert revision search attribute failed", "error", err)
	}
}

// run executes one step, keeping the query state and the event log current.
// When the step fails after its retries it blocks for an operator, who may
// retry it, skip it (if it allows that) or abort the cycle. Once the step
// has succeeded its undo is registered.
func (c *cycle) run(ctx workflow.Context, s step) error {
	st := c.stepState(s.name)
	for {
		if d, ok := c.abortRequested(); ok { // it came between steps
			return c.aborted(s, st, d)
		}
		err := c.attempt(ctx, s, st)
		if d, ok := c.abortRequested(); ok {
			return c.aborted(s, st, d)
		}
		if err == nil {
			break
		}
		if !c.features.operatorActions || isDecision(err) {
			return err
		}
		if c.features.abortRunning && ctx.Err() != nil {
			return err // the workflow itself was cancelled: undo at once
		}
		d, err := c.block(ctx, s.name, err, s.canSkip != nil && s.canSkip(), true)
		if err != nil {
			return err
		}
		if d.action == lifecycle.ActionFallback {
			c.chooseFallback(d) // and run the step again
		}
		if d.action == lifecycle.ActionSkip {
			if s.skip != nil {
				if err := s.skip(ctx); err != nil {
					return err
				}
			}
			st.Status = lifecycle.StepSkipped
			break
		}
	}
	kind := lifecycle.EventStepSkipped
	if st.Status != lifecycle.StepSkipped {
		st.Status, kind = lifecycle.StepDone, lifecycle.EventStepCompleted
	}
	if s.undo != nil {
		c.saga = append(c.saga, compensation{step: s.name, undo: s.undo})
	}
	if s.name == lifecycle.StepOpen {
		return nil // open records cycle.opened itself
	}
	return c.record(ctx, event{kind: kind, step: s.name, took: st.EndedAt.Sub(st.StartedAt), payload: map[string]any{"counts": st.Counts}})
}

func (c *cycle) attempt(ctx workflow.Context, s step, st *StepState) error {
	st.Status, st.StartedAt, st.Error = lifecycle.StepRunning, workflow.Now(ctx), ""
	st.Attempts++
	if c.opened {
		// The status is running again even when an operator's retry ends
		// a block, so the projection does not go on saying blocked.
		name := s.name
		if err := c.record(ctx, event{kind: lifecycle.EventStepStarted, step: s.name, status: c.status.Status, currentStep: &name}); err != nil {
			return err
		}
	}
	err := c.interruptible(ctx, s)
	st.EndedAt = workflow.Now(ctx)
	if err != nil {
		st.Status, st.Error = lifecycle.StepFailed, err.Error()
		if !c.abortPending() { // the abort is logged already; its cancellation is no failure
			c.recordQuietly(ctx, event{kind: lifecycle.EventStepFailed, step: s.name, took: st.EndedAt.Sub(st.StartedAt),
				payload: map[string]any{"error": err.Error()}})
		}
	}
	return err
}

// compensate runs the registered undos newest first, in a context that a
// cancelled workflow does not cancel, then marks the cycle compensated. An
// undo that keeps failing blocks for an operator, who may retry it or,
// having repaired things by hand, skip it.
func (c *cycle) compensate(ctx workflow.Context, failed string, cause error) {
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	reason := fmt.Sprintf("step %s failed: %v", failed, cause)
	if isDecision(cause) {
		reason = fmt.Sprintf("%v (during %s)", cause, failed)
	}
	c.status.Status, c.status.Error = lifecycle.StatusCompensating, reason
	c.upsertStatus(dctx, lifecycle.StatusCompensating, "")
	c.recordQuietly(dctx, event{kind: lifecycle.EventCompensationStarted, status: lifecycle.StatusCompensating, payload: map[string]any{"reason": reason}})
	for i := len(c.saga) - 1; i >= 0; i-- {
		comp := c.saga[i]
		if c.undo(dctx, comp, reason) {
			c.status.Compensated = append(c.status.Compensated, comp.step)
			c.stepState(comp.step).Status = lifecycle.StepCompensated
			c.recordQuietly(dctx, event{kind: lifecycle.EventStepCompensated, step: comp.step})
		}
	}
	if err := c.finish(dctx, lifecycle.EventCycleCompensated, lifecycle.StatusCompensated); err != nil {
		workflow.GetLogger(ctx).Error("recording compensated cycle failed", "error", err)
	}
}

// undo runs one compensation until it succeeds or an operator skips it, and
// reports whether it ran.
func (c *cycle) undo(ctx workflow.Context, comp compensation, reason string) bool {
	for {
		err := comp.undo(ctx, reason)
		if err == nil {
			return true
		}
		workflow.GetLogger(ctx).Error("compensation failed", "step", comp.step, "error", err)
		c.recordQuietly(ctx, event{kind: lifecycle.EventCompensationFailed, step: comp.step, payload: map[string]any{"error": err.Error()}})
		if !c.features.operatorActions {
			return false
		}
		d, err := c.block(ctx, "undo "+comp.step, err, true, false)
		if err != nil || d.action == lifecycle.ActionSkip {
			return false
		}
	}
}

func (c *cycle) finish(ctx workflow.Context, kind, status string) error {
	c.status.Status, c.result.Status = status, status
	c.upsertStatus(ctx, status, "")
	none := ""
	return c.record(ctx, event{kind: kind, status: status, currentStep: &none})
}

func (c *cycle) upsertStatus(ctx workflow.Context, status, blockedStep string) {
	updates := []temporalUpdate{StatusAttr.ValueSet(status)}
	if c.features.operatorActions {
		updates = append(updates, BlockedStepAttr.ValueSet(blockedStep))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		workflow.GetLogger(ctx).Error("upsert status search attribute failed", "status", status, "error", err)
	}
}

package workflows

import (
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
)

var stepNames = []string{StepOpen, StepPull, StepValidate, StepSplit, StepPost, StepPublish, StepClose}

// step is one saga step: run does the work; undo, if any, is registered
// once run succeeds and is called with the reason when a later step fails.
type step struct {
	name string
	run  func(workflow.Context) error
	undo func(workflow.Context, string) error
}

type compensation struct {
	step string
	undo func(workflow.Context, string) error
}

// cycle is the workflow's state: what the query shows, what the saga must
// undo, and the event log's next sequence number.
type cycle struct {
	in      CycleInput
	id      uuid.UUID
	seq     int
	opened  bool // events can be recorded once the cycle row exists
	sources []activities.SourceRef
	saga    []compensation
	status  CycleStatus
	result  CycleResult
}

func newCycle(ctx workflow.Context, in CycleInput) (*cycle, error) {
	if in.Scope == "" || in.PeriodKey == "" || !in.PeriodStart.Before(in.PeriodEnd) {
		return nil, fmt.Errorf("cycle input needs a scope, a period key and a non-empty period: %+v", in)
	}
	if in.Revision == 0 {
		in.Revision = 1
	}
	exec := workflow.GetInfo(ctx).WorkflowExecution
	c := &cycle{in: in, id: activities.CycleID(exec.ID, exec.RunID)}
	c.status = CycleStatus{CycleID: c.id.String(), WorkflowID: exec.ID, Scope: in.Scope, PeriodKey: in.PeriodKey,
		PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd, Revision: in.Revision, Status: StatusRunning}
	for _, name := range stepNames {
		c.status.Steps = append(c.status.Steps, StepState{Name: name, Status: StepPending, Counts: map[string]int64{}})
	}
	c.result = CycleResult{CycleID: c.status.CycleID, WorkflowID: exec.ID, Scope: in.Scope, PeriodKey: in.PeriodKey,
		Revision: in.Revision, Status: StatusRunning}
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (CycleStatus, error) { return c.status, nil }); err != nil {
		return nil, err
	}
	err := workflow.UpsertTypedSearchAttributes(ctx, ScopeAttr.ValueSet(in.Scope), PeriodAttr.ValueSet(in.PeriodKey),
		RevisionAttr.ValueSet(int64(in.Revision)), StatusAttr.ValueSet(StatusRunning))
	return c, err
}

func (c *cycle) ref() activities.CycleRef { return activities.CycleRef{CycleID: c.id} }

func (c *cycle) stepState(name string) *StepState {
	for i := range c.status.Steps {
		if c.status.Steps[i].Name == name {
			return &c.status.Steps[i]
		}
	}
	panic("unknown step " + name)
}

func (c *cycle) count(stepName, key string, n int64) { c.stepState(stepName).Counts[key] += n }

// run executes one step, keeping the query state and the event log current,
// and registers the step's undo once it has succeeded.
func (c *cycle) run(ctx workflow.Context, s step) error {
	st := c.stepState(s.name)
	st.Status, st.StartedAt, st.Error = StepRunning, workflow.Now(ctx), ""
	st.Attempts++
	if c.opened {
		name := s.name
		if err := c.record(ctx, event{kind: "step.started", step: s.name, currentStep: &name}); err != nil {
			return err
		}
	}
	err := s.run(ctx)
	st.EndedAt = workflow.Now(ctx)
	if err != nil {
		st.Status, st.Error = StepFailed, err.Error()
		c.recordQuietly(ctx, event{kind: "step.failed", step: s.name, payload: map[string]any{"error": err.Error()}})
		return err
	}
	st.Status = StepDone
	if s.undo != nil {
		c.saga = append(c.saga, compensation{step: s.name, undo: s.undo})
	}
	if s.name == StepOpen {
		return nil // open records cycle.opened itself
	}
	return c.record(ctx, event{kind: "step.completed", step: s.name, payload: map[string]any{"counts": st.Counts}})
}

// compensate runs the registered undos newest first, in a context that a
// cancelled workflow does not cancel, then marks the cycle compensated.
func (c *cycle) compensate(ctx workflow.Context, failed string, cause error) {
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	reason := fmt.Sprintf("step %s failed: %v", failed, cause)
	c.status.Status, c.status.Error = StatusCompensating, reason
	c.upsertStatus(dctx, StatusCompensating)
	c.recordQuietly(dctx, event{kind: "compensation.started", status: StatusCompensating, payload: map[string]any{"reason": reason}})
	for i := len(c.saga) - 1; i >= 0; i-- {
		comp := c.saga[i]
		if err := comp.undo(dctx, reason); err != nil {
			workflow.GetLogger(ctx).Error("compensation failed", "step", comp.step, "error", err)
			c.recordQuietly(dctx, event{kind: "compensation.failed", step: comp.step, payload: map[string]any{"error": err.Error()}})
			continue
		}
		c.status.Compensated = append(c.status.Compensated, comp.step)
		c.stepState(comp.step).Status = StepCompensated
		c.recordQuietly(dctx, event{kind: "step.compensated", step: comp.step})
	}
	if err := c.finish(dctx, "cycle.compensated", StatusCompensated); err != nil {
		workflow.GetLogger(ctx).Error("recording compensated cycle failed", "error", err)
	}
}

func (c *cycle) finish(ctx workflow.Context, kind, status string) error {
	c.status.Status, c.result.Status = status, status
	c.upsertStatus(ctx, status)
	none := ""
	return c.record(ctx, event{kind: kind, status: status, currentStep: &none})
}

func (c *cycle) upsertStatus(ctx workflow.Context, status string) {
	if err := workflow.UpsertTypedSearchAttributes(ctx, StatusAttr.ValueSet(status)); err != nil {
		workflow.GetLogger(ctx).Error("upsert status search attribute failed", "status", status, "error", err)
	}
}

// event is one entry for the cycle's event log.
type event struct {
	kind        string
	step        string
	actor       string
	status      string
	currentStep *string
	payload     map[string]any
}

// record appends an event through a local activity; a cycle that was never
// opened has no log to write to.
func (c *cycle) record(ctx workflow.Context, e event) error {
	if !c.opened {
		return nil
	}
	payload, err := jsonOf(e.payload)
	if err != nil {
		return err
	}
	c.seq++
	return workflow.ExecuteLocalActivity(eventOptions(ctx), "RecordEvent", activities.EventInput{
		CycleID: c.id, Seq: c.seq, Kind: e.kind, Step: e.step, Actor: e.actor, Payload: payload,
		Status: e.status, CurrentStep: e.currentStep,
	}).Get(ctx, nil)
}

// recordQuietly records an event on a path that is already failing: the
// failure it would report is logged, not allowed to mask the first one.
func (c *cycle) recordQuietly(ctx workflow.Context, e event) {
	if err := c.record(ctx, e); err != nil {
		workflow.GetLogger(ctx).Error("recording event failed", "kind", e.kind, "step", e.step, "error", err)
	}
}

func jsonOf(v any) (json.RawMessage, error) {
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		return json.RawMessage("{}"), nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode event payload: %w", err)
	}
	return data, nil
}

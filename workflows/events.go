package workflows

import (
	"encoding/json"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
)

type temporalUpdate = temporal.SearchAttributeUpdate

// event is one entry for the cycle's event log.
type event struct {
	kind        string
	step        string
	actor       string
	status      string
	currentStep *string
	payload     map[string]any
	took        time.Duration // a step's last attempt, when the event ends it
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
	if c.features.abortRunning {
		// The log is written even from a step an abort is cancelling.
		ctx, _ = workflow.NewDisconnectedContext(ctx)
	}
	return workflow.ExecuteLocalActivity(eventOptions(ctx), "RecordEvent", activities.EventInput{
		CycleID: c.id, Seq: c.seq, Kind: e.kind, Step: e.step, Actor: e.actor, Payload: payload,
		Status: e.status, CurrentStep: e.currentStep, Scope: c.in.Scope, Took: e.took,
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

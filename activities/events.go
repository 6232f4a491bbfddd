package activities

import (
	"context"

	"github.com/settleflow/settleflow/internal/store"
)

// RecordEvent appends one entry to the cycle's event log and moves its
// status projection. The workflow numbers events, so a retry is a no-op.
func (a *Activities) RecordEvent(ctx context.Context, in EventInput) error {
	err := a.Store.AppendEvent(ctx, store.Event{
		CycleID: in.CycleID, Seq: in.Seq, Kind: in.Kind, Step: in.Step, Actor: in.Actor, Payload: in.Payload,
	}, store.Projection{Status: in.Status, CurrentStep: in.CurrentStep})
	if err == nil {
		a.observeEvent(ctx, in)
	}
	return err
}

// Close stores the cycle's summary and, for a revision, marks the cycle it
// supersedes as superseded.
func (a *Activities) Close(ctx context.Context, in CloseInput) error {
	if err := a.Store.SetSummary(ctx, in.CycleID, in.Summary); err != nil {
		return err
	}
	c, err := a.Store.Cycle(ctx, in.CycleID)
	if err != nil || c.Supersedes == nil {
		return err
	}
	if err := a.Store.Supersede(ctx, c); err != nil {
		return err
	}
	return a.Store.MarkSuperseded(ctx, *c.Supersedes)
}

package activities

import (
	"context"

	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/store"
)

// Metrics are recorded here, after the fact they count is committed: a
// failed attempt records nothing, and its retry records once.

// observeEvent records what an event of the cycle's log says about steps
// and cycles: how long a step ran, how a cycle ended, that it blocked.
func (a *Activities) observeEvent(ctx context.Context, in EventInput) {
	m := a.Metrics
	if m == nil || in.Scope == "" {
		return
	}
	switch in.Kind {
	case lifecycle.EventStepCompleted:
		m.StepEnded(ctx, in.Scope, in.Step, lifecycle.StepDone, in.Took)
	case lifecycle.EventStepSkipped:
		m.StepEnded(ctx, in.Scope, in.Step, lifecycle.StepSkipped, in.Took)
	case lifecycle.EventStepFailed:
		m.StepEnded(ctx, in.Scope, in.Step, lifecycle.StepFailed, in.Took)
	case lifecycle.EventCycleCompleted:
		m.CycleEnded(ctx, in.Scope, lifecycle.StatusCompleted)
	case lifecycle.EventCycleCompensated:
		m.CycleEnded(ctx, in.Scope, lifecycle.StatusCompensated)
	case lifecycle.EventCycleBlocked:
		m.Blocked(ctx, in.Scope, in.Step)
	}
}

// observeValidated counts the cycle's accepted records per source and its
// rejects per source, stage and reason.
func (a *Activities) observeValidated(ctx context.Context, c store.Cycle) error {
	if a.Metrics == nil {
		return nil
	}
	accepted, rejected, err := a.Store.CountsBySource(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, n := range accepted {
		a.Metrics.Accepted(ctx, c.Scope, n.Source, n.Count)
	}
	for _, n := range rejected {
		a.Metrics.Rejected(ctx, c.Scope, n.Source, n.Stage, n.Reason, n.Count)
	}
	return nil
}

// postEntry posts a journal entry and, if this call posted it, adds what
// each party got to the settled amounts: a partner's payable and the
// operator's revenue are credits, so a settlement adds and its reversal
// takes away.
func (a *Activities) postEntry(ctx context.Context, scope string, e ledger.Entry) (bool, error) {
	posted, err := a.Store.PostEntry(ctx, e)
	if err != nil || !posted || a.Metrics == nil {
		return posted, err
	}
	for _, l := range e.Lines {
		party, ok := ledger.PayableOf(l.Account)
		if l.Account == ledger.AccountRevenue {
			party, ok = "operator", true
		}
		if ok {
			a.Metrics.Settled(ctx, scope, l.Currency, party, -l.Amount)
		}
	}
	return posted, nil
}

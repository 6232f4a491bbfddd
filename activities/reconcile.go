package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/store"
)

// ErrReconciliationGate is the error type of a reconcile step held by open
// breaks when the scope blocks on them: no retry of the activity changes
// that, an operator resolving the breaks does.
const ErrReconciliationGate = "ReconciliationGate"

// Reconcile matches the scope's pairs over the cycle's staged records in
// Postgres, records every break and values and ranks them, then applies
// the scope's gate: when it blocks and open breaks exceed its thresholds
// the step fails with the reasons, and a retry (once they are resolved)
// checks again without matching again.
func (a *Activities) Reconcile(ctx context.Context, in CycleRef) (ReconcileResult, error) {
	c, err := a.Store.Cycle(ctx, in.CycleID)
	if err != nil {
		return ReconcileResult{}, err
	}
	sc, err := a.Catalog.Scope(c.Scope)
	if err != nil {
		return ReconcileResult{}, badData(err)
	}
	cfg := sc.Reconciliation
	rates, err := a.rates(ctx, c, cfg)
	if err != nil {
		return ReconcileResult{}, err
	}
	run, err := a.Store.Reconcile(ctx, store.ReconcileParams{CycleID: c.ID, Scope: c.Scope, PeriodStart: c.PeriodStart, Config: cfg, Rates: rates})
	if errors.Is(err, store.ErrBadRecord) {
		return ReconcileResult{}, badData(err)
	}
	if err != nil {
		return ReconcileResult{}, err
	}
	res, err := a.reconcileResult(ctx, in, cfg, run)
	if err != nil || cfg.Gate.Action != recon.GateBlock || len(res.Gate) == 0 {
		return res, err
	}
	return res, temporal.NewNonRetryableApplicationError(fmt.Sprintf("open discrepancies hold the cycle: %s. Resolve them "+
		"(settleflow discrepancy list --cycle %s), then retry", strings.Join(res.Gate, "; "), c.WorkflowID), ErrReconciliationGate, nil)
}

// rates are the cycle's FX quotes and the scope's fixed rates, turned
// into what values breaks in the reporting currency.
func (a *Activities) rates(ctx context.Context, c store.Cycle, cfg recon.Config) ([]recon.Rate, error) {
	sources, err := frozenSources(c)
	if err != nil {
		return nil, err
	}
	var fx []string
	for _, s := range sources {
		if s.Kind == record.KindFX {
			fx = append(fx, s.Name)
		}
	}
	rows, err := a.Store.FXRows(ctx, c.ID, fx)
	if err != nil {
		return nil, err
	}
	quotes := make([]recon.Quote, 0, len(rows))
	for _, r := range rows {
		q, err := recon.ParseQuote(r.Source+" "+r.ExternalID, r.Date, r.Base, r.Quote, r.Rate)
		if err != nil {
			return nil, badData(err)
		}
		quotes = append(quotes, q)
	}
	return cfg.RateTable(quotes), nil
}

func (a *Activities) reconcileResult(ctx context.Context, in CycleRef, cfg recon.Config, run store.ReconcileRun) (ReconcileResult, error) {
	counts, err := a.Store.ReconCounts(ctx, in.CycleID)
	if err != nil {
		return ReconcileResult{}, err
	}
	open, err := a.Store.OpenBreaks(ctx, in.CycleID)
	if err != nil {
		return ReconcileResult{}, err
	}
	return ReconcileResult{ReportingCurrency: cfg.ReportingCurrency, Counts: counts, Total: recon.Sum(counts),
		CarriedIn: run.CarriedIn, GateAction: cfg.Gate.Action, Gate: cfg.Gate.Reasons(open)}, nil
}

// UndoReconcile is the compensation of reconcile: every adjustment posted
// for the cycle's breaks is reversed by an entry of its own. The breaks
// stay on record; an undone cycle's breaks can no longer be resolved.
func (a *Activities) UndoReconcile(ctx context.Context, in CompensateInput) error {
	c, err := a.Store.Cycle(ctx, in.CycleID)
	if err != nil {
		return err
	}
	ids, err := a.Store.EntriesOfKind(ctx, in.CycleID, ledger.KindAdjustment)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := a.reverseEntry(ctx, c.Scope, id, recon.ReversalEntryID(id), in.CycleID, "reversal: "+in.Reason); err != nil {
			return err
		}
	}
	return nil
}

// reconReasons are the approval gate's reasons from open breaks, when the
// scope sends them there rather than blocking on them.
func (a *Activities) reconReasons(ctx context.Context, in CycleRef, cfg recon.Config) ([]string, error) {
	if cfg.Gate.Action != recon.GateApprove {
		return nil, nil
	}
	open, err := a.Store.OpenBreaks(ctx, in.CycleID)
	if err != nil {
		return nil, err
	}
	return cfg.Gate.Reasons(open), nil
}

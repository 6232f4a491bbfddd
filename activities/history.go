package activities

import (
	"context"
	"fmt"

	"github.com/settleflow/settleflow/internal/settle"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/summary"
	"github.com/settleflow/settleflow/internal/trend"
)

// HistoryCheck is what stage 3 of validation found.
type HistoryCheck struct {
	Anomalies []trend.Anomaly
	// Summary is the cycle in plain language, written from its figures.
	Summary string
}

// CheckHistory is stage 3 of validation: the cycle's figures against the
// scope's trailing completed cycles. It stores the figures (later cycles
// compare against them), the anomalies beyond the scope's thresholds, and
// the summary written from them. It rejects nothing: an anomaly opens the
// approval gate (see CheckApproval).
func (a *Activities) CheckHistory(ctx context.Context, in CycleRef) (HistoryCheck, error) {
	c, err := a.Store.Cycle(ctx, in.CycleID)
	if err != nil {
		return HistoryCheck{}, err
	}
	sc, err := a.Catalog.Scope(c.Scope)
	if err != nil {
		return HistoryCheck{}, badData(err)
	}
	cur, err := a.figures(ctx, c)
	if err != nil {
		return HistoryCheck{}, err
	}
	earlier, err := a.Store.TrailingFigures(ctx, c.Scope, c.PeriodStart, sc.Anomalies.History())
	if err != nil {
		return HistoryCheck{}, err
	}
	an, err := trend.Analyze(cur, earlier, sc.Anomalies)
	if err != nil {
		return HistoryCheck{}, badData(fmt.Errorf("cycle %s: %w", c.ID, err))
	}
	res := HistoryCheck{Anomalies: an.Anomalies, Summary: summary.Write(c.Scope, cur, an)}
	if err := a.Store.SaveFigures(ctx, c.ID, cur, res.Summary); err != nil {
		return HistoryCheck{}, err
	}
	stored := make([]store.Anomaly, len(an.Anomalies))
	for i, x := range an.Anomalies {
		stored[i] = store.Anomaly{Anomaly: x, Description: summary.Anomaly(x)}
		a.Metrics.Anomaly(ctx, c.Scope, x.Metric)
	}
	for typ, n := range cur.Discrepancies.ByType {
		a.Metrics.Discrepancies(ctx, c.Scope, typ, n)
	}
	return res, a.Store.SaveAnomalies(ctx, c.ID, stored)
}

// figures gathers the cycle's figures from its counts and accepted totals.
// Discrepancies are those reconciliation recorded (none before it ran).
func (a *Activities) figures(ctx context.Context, c store.Cycle) (trend.Figures, error) {
	counts, err := a.Store.Counts(ctx, c.ID)
	if err != nil {
		return trend.Figures{}, err
	}
	totals, err := a.Store.AcceptedTotals(ctx, c.ID)
	if err != nil {
		return trend.Figures{}, err
	}
	refused := counts.FormatRejects + counts.Conflicts
	f := trend.Figures{CycleID: c.ID.String(), Period: c.PeriodKey, Records: counts.Staged + refused,
		Rejected: counts.Rejected + refused, GGR: map[string]int64{}}
	var byCurrency []settle.Totals
	for _, t := range totals {
		byCurrency, err = mergeTotals(byCurrency, settle.Totals{Currency: t.Currency, Bets: t.Bets, Wins: t.Wins, Rollbacks: t.Rollbacks})
		if err != nil {
			return trend.Figures{}, err
		}
	}
	for _, t := range byCurrency {
		f.GGR[t.Currency] = t.GGR()
	}
	f.Discrepancies, err = a.Store.DiscrepancyFigures(ctx, c.ID)
	return f, err
}

package activities

import (
	"context"
	"fmt"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/settle"
	"github.com/settleflow/settleflow/internal/store"
)

// Split applies each partner's frozen agreement to the cycle's accepted
// totals and stores the shares.
func (a *Activities) Split(ctx context.Context, in CycleRef) (SplitResult, error) {
	c, err := a.Store.Cycle(ctx, in.CycleID)
	if err != nil {
		return SplitResult{}, err
	}
	versions, err := frozenAgreements(c)
	if err != nil {
		return SplitResult{}, err
	}
	sources, err := frozenSources(c)
	if err != nil {
		return SplitResult{}, err
	}
	totals, err := a.Store.AcceptedTotals(ctx, in.CycleID)
	if err != nil {
		return SplitResult{}, err
	}
	byPartner, partners, err := totalsByPartner(sources, totals)
	if err != nil {
		return SplitResult{}, badData(err)
	}
	var res SplitResult
	for _, partner := range partners {
		shares, err := settle.ProviderFee(partner, versions[partner], byPartner[partner])
		if err != nil {
			return SplitResult{}, badData(fmt.Errorf("cycle %s: %w", c.ID, err))
		}
		res.Shares = append(res.Shares, shares...)
	}
	if err := a.Store.SaveSettlementLines(ctx, in.CycleID, res.Shares); err != nil {
		return SplitResult{}, err
	}
	res.Corrections, err = a.fallbackCorrections(ctx, c)
	return res, err
}

// totalsByPartner merges the per-source totals of the game provider
// sources that share a partner, per currency, and lists the partners in
// source order. Other kinds' records are reconciled, not split: their
// partners' agreements (PSP fees, affiliate commissions) are frozen with
// the cycle but not applied yet.
func totalsByPartner(sources []SourceRef, totals []store.SourceTotals) (map[string][]settle.Totals, []string, error) {
	partnerOf := map[string]string{}
	var partners []string
	seen := map[string]bool{}
	for _, s := range sources {
		partnerOf[s.Name] = s.Partner
		if s.Kind != record.KindProvider {
			partnerOf[s.Name] = ""
			continue
		}
		if s.Partner != "" && !seen[s.Partner] {
			seen[s.Partner] = true
			partners = append(partners, s.Partner)
		}
	}
	out := map[string][]settle.Totals{}
	for _, t := range totals {
		partner, ok := partnerOf[t.Source]
		if !ok {
			return nil, nil, fmt.Errorf("staged data from source %q, which the cycle did not freeze", t.Source)
		}
		if partner == "" {
			continue
		}
		merged, err := mergeTotals(out[partner], settle.Totals{Currency: t.Currency, Bets: t.Bets, Wins: t.Wins, Rollbacks: t.Rollbacks, Count: t.Count})
		if err != nil {
			return nil, nil, fmt.Errorf("partner %s: source %s: %w", partner, t.Source, err)
		}
		out[partner] = merged
	}
	return out, partners, nil
}

func mergeTotals(list []settle.Totals, t settle.Totals) ([]settle.Totals, error) {
	for i := range list {
		if list[i].Currency == t.Currency {
			sum, err := list[i].Add(t)
			list[i] = sum
			return list, err
		}
	}
	return append(list, t), nil
}

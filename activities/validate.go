package activities

import (
	"context"
	"maps"

	"github.com/settleflow/settleflow/internal/money"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/validate"
)

// Validate applies the business rules to every staged transaction of the
// cycle, quarantines the rejects with their reasons and counts the outcome.
func (a *Activities) Validate(ctx context.Context, in CycleRef) (ValidateResult, error) {
	c, err := a.Store.Cycle(ctx, in.CycleID)
	if err != nil {
		return ValidateResult{}, err
	}
	bets, err := a.knownBets(ctx, c)
	if err != nil {
		return ValidateResult{}, err
	}
	var rejects []store.RuleReject
	err = a.Store.EachStaged(ctx, in.CycleID, func(t store.StagedTxn) error {
		rules := validate.Rules{
			PeriodStart:   c.PeriodStart,
			PeriodEnd:     c.PeriodEnd,
			KnownCurrency: money.Known,
			KnownBet:      func(id string) bool { return bets[t.Source][id] },
		}
		for _, r := range rules.Check(validate.Txn{ID: t.TransactionID, Type: t.Type, Amount: t.Amount,
			Currency: t.Currency, Timestamp: t.OccurredAt, RefID: t.RefID}) {
			rejects = append(rejects, store.RuleReject{Source: t.Source, TransactionID: r.TransactionID, Reason: r.Reason, Detail: r.Detail})
		}
		return nil
	})
	if err != nil {
		return ValidateResult{}, err
	}
	if err := a.Store.ApplyValidation(ctx, in.CycleID, rejects); err != nil {
		return ValidateResult{}, err
	}
	counts, err := a.Store.Counts(ctx, in.CycleID)
	if err != nil {
		return ValidateResult{}, err
	}
	return ValidateResult{Staged: counts.Staged, Accepted: counts.Accepted, Rejected: counts.Rejected,
		FormatRejects: counts.FormatRejects, Conflicts: counts.Conflicts, ByReason: counts.ByReason}, nil
}

// knownBets are the bets a rollback of this cycle may cancel: the cycle's
// own, and those accepted in the scope's earlier settled cycles.
func (a *Activities) knownBets(ctx context.Context, c store.Cycle) (map[string]map[string]bool, error) {
	bets, err := a.Store.BetIDs(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	earlier, err := a.Store.EarlierBets(ctx, c)
	if err != nil {
		return nil, err
	}
	for source, ids := range earlier {
		if bets[source] == nil {
			bets[source] = map[string]bool{}
		}
		maps.Copy(bets[source], ids)
	}
	return bets, nil
}

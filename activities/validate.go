package activities

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/money"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/scope"
	"github.com/settleflow/settleflow/internal/store"
)

// Validate applies the business rules to every staged record of the cycle,
// set-based in Postgres: rejects are quarantined with their reasons, and the
// accepted totals that split and approval need are stored in the same pass.
func (a *Activities) Validate(ctx context.Context, in CycleRef) (ValidateResult, error) {
	c, err := a.Store.Cycle(ctx, in.CycleID)
	if err != nil {
		return ValidateResult{}, err
	}
	cfg, err := frozenConfigOf(c)
	if err != nil {
		return ValidateResult{}, err
	}
	var rollbackSources []string
	for _, s := range cfg.Sources {
		if s.Kind == record.KindProvider {
			rollbackSources = append(rollbackSources, s.Name)
		}
	}
	supersedes, err := a.supersededChain(ctx, c)
	if err != nil {
		return ValidateResult{}, err
	}
	covered, err := coveredCurrencies(c, cfg)
	if err != nil {
		return ValidateResult{}, err
	}
	_, err = a.Store.Validate(ctx, store.ValidateParams{CycleID: c.ID, Scope: c.Scope, PeriodStart: c.PeriodStart,
		PeriodEnd: c.PeriodEnd, Currencies: money.Codes(), RollbackSources: rollbackSources, Supersedes: supersedes,
		Covered: covered})
	if errors.Is(err, store.ErrOverflow) {
		return ValidateResult{}, badData(err)
	}
	if err != nil {
		return ValidateResult{}, err
	}
	counts, err := a.Store.Counts(ctx, in.CycleID)
	if err != nil {
		return ValidateResult{}, err
	}
	if err := a.observeValidated(ctx, c); err != nil {
		return ValidateResult{}, err
	}
	return ValidateResult{Staged: counts.Staged, Accepted: counts.Accepted, Rejected: counts.Rejected,
		FormatRejects: counts.FormatRejects, Conflicts: counts.Conflicts, ByReason: counts.ByReason}, nil
}

// supersededChain lists the cycles a revision settles the period again
// after: the one it supersedes and, while that one has not been taken over
// yet, the ones before it.
func (a *Activities) supersededChain(ctx context.Context, c store.Cycle) ([]uuid.UUID, error) {
	var chain []uuid.UUID
	for next := c.Supersedes; next != nil && len(chain) < maxRevisions; {
		chain = append(chain, *next)
		prev, err := a.Store.Cycle(ctx, *next)
		if err != nil {
			return nil, err
		}
		next = prev.Supersedes
	}
	return chain, nil
}

// maxRevisions bounds the walk back through revisions of one period.
const maxRevisions = 1000

// coveredCurrencies lists, per source, the currencies its partner's frozen
// agreement covers, when the scope quarantines records in the others; a
// source whose agreement covers every currency is left out. A scope that
// blocks on them instead leaves it to split, which names the currency.
func coveredCurrencies(c store.Cycle, cfg frozenConfig) (map[string][]string, error) {
	if cfg.Uncovered != scope.UncoveredQuarantine {
		return nil, nil
	}
	versions, err := frozenAgreements(c)
	if err != nil {
		return nil, err
	}
	covered := map[string][]string{}
	for _, s := range cfg.Sources {
		if v, ok := versions[s.Partner]; ok && len(v.Currencies) > 0 {
			covered[s.Name] = v.Currencies
		}
	}
	return covered, nil
}

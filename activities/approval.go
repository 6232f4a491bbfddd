package activities

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/settleflow/settleflow/internal/agreement"
	"github.com/settleflow/settleflow/internal/money"
	"github.com/settleflow/settleflow/internal/store"
)

// CheckApproval applies the scope's approval rules to the split cycle and
// lists every reason an operator must look before posting.
func (a *Activities) CheckApproval(ctx context.Context, in CycleRef) (ApprovalCheck, error) {
	c, err := a.Store.Cycle(ctx, in.CycleID)
	if err != nil {
		return ApprovalCheck{}, err
	}
	sc, err := a.Catalog.Scope(c.Scope)
	if err != nil {
		return ApprovalCheck{}, badData(err)
	}
	rules := sc.Approval
	var reasons []string
	if rules.Required {
		reasons = append(reasons, "scope "+sc.Name+" requires approval of every cycle")
	}
	lines, err := a.Store.SettlementLines(ctx, in.CycleID)
	if err != nil {
		return ApprovalCheck{}, err
	}
	for _, l := range lines {
		if rules.AmountExceeds(l.Currency, l.PartnerAmount) {
			reasons = append(reasons, fmt.Sprintf("%s is owed %s, above the %s threshold",
				l.Partner, formatAmount(l.PartnerAmount, l.Currency), formatAmount(rules.AmountAbove[l.Currency], l.Currency)))
		}
	}
	counts, err := a.Store.Counts(ctx, in.CycleID)
	if err != nil {
		return ApprovalCheck{}, err
	}
	if rejected := counts.Rejected + counts.FormatRejects + counts.Conflicts; rules.RejectsExceed(int(rejected)) {
		reasons = append(reasons, fmt.Sprintf("%d records were rejected, more than the %d allowed without approval", rejected, *rules.RejectsAbove))
	}
	breaks, err := a.reconReasons(ctx, in, sc.Reconciliation)
	if err != nil {
		return ApprovalCheck{}, err
	}
	reasons = append(reasons, breaks...)
	anomalies, err := a.Store.Anomalies(ctx, in.CycleID)
	if err != nil {
		return ApprovalCheck{}, err
	}
	for _, an := range anomalies {
		reasons = append(reasons, "stage-3 anomaly: "+an.Description)
	}
	if rules.NewAgreementVersion {
		changed, err := a.newAgreementVersions(ctx, c)
		if err != nil {
			return ApprovalCheck{}, err
		}
		reasons = append(reasons, changed...)
	}
	return ApprovalCheck{Needed: len(reasons) > 0, Reasons: reasons}, nil
}

// newAgreementVersions compares the cycle's frozen versions with those of
// the scope's previous settled cycle. The first cycle of a scope has
// nothing to compare with and opens no gate on this rule.
func (a *Activities) newAgreementVersions(ctx context.Context, c store.Cycle) ([]string, error) {
	prev, ok, err := a.Store.PreviousCompleted(ctx, c.Scope, c.PeriodStart)
	if err != nil || !ok {
		return nil, err
	}
	now, err := frozenAgreements(c)
	if err != nil {
		return nil, err
	}
	before, err := frozenAgreements(prev)
	if err != nil {
		return nil, err
	}
	var reasons []string
	for _, partner := range slices.Sorted(maps.Keys(now)) {
		old, had := before[partner]
		if !had || old.Number != now[partner].Number {
			reasons = append(reasons, fmt.Sprintf("%s is settled under agreement version %d, new since cycle %s %s",
				partner, now[partner].Number, prev.PeriodKey, versionWord(had, old)))
		}
	}
	return reasons, nil
}

func versionWord(had bool, v agreement.Version) string {
	if !had {
		return "(no agreement then)"
	}
	return fmt.Sprintf("(version %d)", v.Number)
}

func formatAmount(amount int64, currency string) string {
	c, err := money.Lookup(currency)
	if err != nil {
		return fmt.Sprintf("%d %s", amount, currency)
	}
	return money.Format(amount, c)
}

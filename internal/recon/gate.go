package recon

import (
	"fmt"

	"github.com/settleflow/settleflow/internal/money"
)

// Open sums a cycle's open breaks for the gate.
type Open struct {
	Count int64
	// Amount is the valued open breaks' worth in the reporting currency's
	// minor units; Unvalued counts those no rate could value.
	Amount   int64
	Unvalued int64
	// Conflicts counts open conflicting duplicates.
	Conflicts         int64
	ReportingCurrency string
}

// Reasons lists, in words an operator acts on, why the open breaks hold
// the cycle; none means they do not. Conflicting duplicates always hold
// it: which version stands is a person's decision. A break that cannot be
// valued counts as above an amount threshold, since it may be.
func (g Gate) Reasons(o Open) []string {
	var reasons []string
	if o.Conflicts > 0 {
		reasons = append(reasons, fmt.Sprintf("%s open: a person decides which version stands "+
			"(settleflow discrepancy list --type %s)", plural(o.Conflicts, "conflicting duplicate is", "conflicting duplicates are"), ConflictingDuplicate))
	}
	if g.CountAbove != nil && o.Count > *g.CountAbove {
		reasons = append(reasons, fmt.Sprintf("%s open, more than the %d allowed", plural(o.Count, "discrepancy is", "discrepancies are"), *g.CountAbove))
	}
	if g.AmountAbove != nil {
		if o.Amount > *g.AmountAbove {
			reasons = append(reasons, fmt.Sprintf("open discrepancies are worth %s, above the %s threshold",
				formatAmount(o.Amount, o.ReportingCurrency), formatAmount(*g.AmountAbove, o.ReportingCurrency)))
		}
		if o.Unvalued > 0 {
			reasons = append(reasons, fmt.Sprintf("%s cannot be valued in %s (no FX rate) and may be above the %s threshold",
				plural(o.Unvalued, "open discrepancy", "open discrepancies"), orNone(o.ReportingCurrency), formatAmount(*g.AmountAbove, o.ReportingCurrency)))
		}
	}
	return reasons
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func orNone(currency string) string {
	if currency == "" {
		return "a reporting currency (the scope names none)"
	}
	return currency
}

func formatAmount(minor int64, currency string) string {
	c, err := money.Lookup(currency)
	if err != nil {
		return fmt.Sprintf("%d minor units", minor)
	}
	return money.Format(minor, c)
}

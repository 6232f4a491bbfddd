package settle

import (
	"fmt"
	"sort"

	"github.com/settleflow/settleflow/internal/agreement"
	"github.com/settleflow/settleflow/internal/money"
)

// ProviderFee splits each currency's GGR between the provider (the fee) and
// the operator (the rest). The fee is the version's percentage of GGR rounded
// once by its rounding mode, and the operator amount is GGR − fee, so the
// two always add up to GGR with no rounding loss. When GGR <= 0 and the
// version says negative_ggr: zero, the fee is 0. Shares are sorted by
// currency code. A currency outside the version's allow-list, an unknown or
// repeated currency, or negative totals are errors: settlement stops rather
// than guess.
func ProviderFee(partner string, v agreement.Version, totals []Totals) ([]Share, error) {
	if partner == "" {
		return nil, fmt.Errorf("provider fee: partner is empty")
	}
	switch v.NegativeGGR {
	case agreement.NegativeGGRZero, agreement.NegativeGGRCharge:
	default:
		return nil, fmt.Errorf("provider fee %s: version %d: negative_ggr %q: want %q or %q",
			partner, v.Number, v.NegativeGGR, agreement.NegativeGGRZero, agreement.NegativeGGRCharge)
	}
	sorted := append([]Totals(nil), totals...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Currency < sorted[j].Currency })

	shares := make([]Share, 0, len(sorted))
	for i, t := range sorted {
		if i > 0 && sorted[i-1].Currency == t.Currency {
			return nil, fmt.Errorf("provider fee %s: currency %q appears twice in totals", partner, t.Currency)
		}
		share, err := providerFeeShare(partner, v, t)
		if err != nil {
			return nil, fmt.Errorf("provider fee %s: version %d: %w", partner, v.Number, err)
		}
		shares = append(shares, share)
	}
	return shares, nil
}

func providerFeeShare(partner string, v agreement.Version, t Totals) (Share, error) {
	cur, err := money.Lookup(t.Currency)
	if err != nil {
		return Share{}, err
	}
	if !v.Covers(t.Currency) {
		return Share{}, fmt.Errorf("currency %q not covered by the agreement (allowed: %v)", t.Currency, v.Currencies)
	}
	ggr, err := t.checkedGGR()
	if err != nil {
		return Share{}, err
	}

	share := Share{Partner: partner, Currency: t.Currency, GGR: ggr, AgreementVersion: v.Number}
	if ggr <= 0 && v.NegativeGGR == agreement.NegativeGGRZero {
		share.OperatorAmount = ggr
		share.Explanation = fmt.Sprintf("GGR %s is not positive and negative GGR is not charged (negative_ggr: zero) = %s provider fee",
			money.Format(ggr, cur), money.Format(0, cur))
		return share, nil
	}

	fee, err := v.FeePercent.Apply(ggr, v.Rounding)
	if err != nil {
		return Share{}, fmt.Errorf("%s fee: %w", t.Currency, err)
	}
	// |fee| <= |ggr| and has the same sign, so ggr − fee cannot overflow.
	share.PartnerAmount = fee
	share.OperatorAmount = ggr - fee
	share.Explanation = fmt.Sprintf("GGR %s × %s (%s) = %s provider fee",
		money.Format(ggr, cur), v.FeePercent, v.Rounding, money.Format(fee, cur))
	if fee < 0 {
		share.Explanation += ", a credit to the operator"
	}
	return share, nil
}

// Package agreement loads versioned, effective-dated partner agreements and
// picks the version that governs a settlement period.
package agreement

import (
	"fmt"
	"slices"
	"time"

	"github.com/settleflow/settleflow/internal/money"
)

// Agreement kinds. Each version of any kind names a fee_percent, its
// rounding and the currencies it covers.
const (
	// KindProviderFee: a game provider takes a percentage of GGR, as the
	// split computes it.
	KindProviderFee = "provider_fee"
	// KindPSPFee: a payment processor takes a percentage of every payment
	// it handles (its fee, deducted from its payouts).
	KindPSPFee = "psp_fee"
	// KindAffiliateCommission: an affiliate network earns a percentage of
	// the revenue of the players it brought.
	KindAffiliateCommission = "affiliate_commission"
)

// Kinds lists the agreement kinds. The split settles provider fees only
// so far; agreements of the other kinds are frozen with their cycles all
// the same, so their terms are on record.
var Kinds = []string{KindProviderFee, KindPSPFee, KindAffiliateCommission}

// What a provider fee does when GGR is zero or negative.
const (
	// NegativeGGRZero: no fee when GGR <= 0.
	NegativeGGRZero = "zero"
	// NegativeGGRCharge: the percentage applies to negative GGR too, giving
	// a negative fee (a credit the partner gives back).
	NegativeGGRCharge = "charge"
)

// Agreement is one partner's contract with every version it has had.
// Versions are sorted by Number and EffectiveFrom, both strictly increasing.
type Agreement struct {
	Partner  string    `json:"partner"`
	Name     string    `json:"name"`
	Kind     string    `json:"kind"`
	Versions []Version `json:"versions"`
}

// Version is one set of terms. A settlement cycle freezes the Version it used
// into its record as JSON, so the tags are part of the stored format: rename
// nothing without a migration.
type Version struct {
	Number        int                `json:"number"`
	EffectiveFrom time.Time          `json:"effective_from"`
	FeePercent    money.Ratio        `json:"fee_percent"`
	Rounding      money.RoundingMode `json:"rounding"`
	// NegativeGGR applies to provider fees only.
	NegativeGGR string   `json:"negative_ggr"`
	Currencies  []string `json:"currencies,omitempty"`
}

// Covers reports whether the version may settle in currency; an empty
// allow-list means every currency.
func (v Version) Covers(currency string) bool {
	return len(v.Currencies) == 0 || slices.Contains(v.Currencies, currency)
}

// InForce returns the single version governing the whole period
// [start, end). A version taking effect strictly inside the period is an
// error rather than a silent pick, because a cycle must not mix terms: the
// scope's calendar should split the period at the change instead.
func (a Agreement) InForce(start, end time.Time) (Version, error) {
	if !start.Before(end) {
		return Version{}, fmt.Errorf("agreement %s: empty period [%s, %s)",
			a.Partner, stamp(start), stamp(end))
	}
	idx := -1
	for i, v := range a.Versions {
		if !v.EffectiveFrom.After(start) {
			idx = i
		}
	}
	if idx < 0 {
		if len(a.Versions) == 0 {
			return Version{}, fmt.Errorf("agreement %s: has no versions", a.Partner)
		}
		return Version{}, fmt.Errorf("agreement %s: period starts %s, before version %d takes effect %s",
			a.Partner, stamp(start), a.Versions[0].Number, stamp(a.Versions[0].EffectiveFrom))
	}
	if idx+1 < len(a.Versions) {
		next := a.Versions[idx+1]
		if next.EffectiveFrom.Before(end) {
			return Version{}, fmt.Errorf(
				"agreement %s: version %d takes effect %s inside period [%s, %s) governed by version %d; split the period",
				a.Partner, next.Number, stamp(next.EffectiveFrom), stamp(start), stamp(end), a.Versions[idx].Number)
		}
	}
	return a.Versions[idx], nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

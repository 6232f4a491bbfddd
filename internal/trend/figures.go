// Package trend compares a cycle's figures with the scope's trailing
// completed cycles: the baseline of each figure, the anomalies beyond the
// scope's thresholds (stage 3 of validation) and a forecast of the next
// cycle with the error the same model made over recent cycles.
//
// Arithmetic is exact (math/big rationals) and results come back in whole
// units: records, minor units of a currency, basis points of a ratio. The
// same stored figures always give the same analysis, so a statement cover
// written from it is reproducible.
package trend

import (
	"maps"
	"math/big"
	"slices"
)

// Metrics stage 3 compares, as stored with anomalies.
const (
	MetricVolume          = "volume"           // records received
	MetricGGR             = "ggr"              // per currency, minor units
	MetricRejectRate      = "reject_rate"      // rejected ÷ received
	MetricDiscrepancyRate = "discrepancy_rate" // discrepancies found ÷ received
)

// Figures are one cycle's numbers as stage 3 and the summary read them.
// They are stored with the cycle, so later cycles compare against them
// even once its records have been purged.
type Figures struct {
	CycleID string `json:"cycle_id"`
	Period  string `json:"period"`
	// Records are what the sources delivered: staged, plus refused by
	// format or as conflicting duplicates.
	Records  int64 `json:"records"`
	Rejected int64 `json:"rejected"`
	// GGR is bets − wins − rollbacks of accepted records, per currency.
	GGR           map[string]int64 `json:"ggr"`
	Discrepancies Discrepancies    `json:"discrepancies"`
}

// Discrepancies are the reconciliation breaks a cycle found; zero where no
// reconciliation ran.
type Discrepancies struct {
	Found  int64            `json:"found"`
	ByType map[string]int64 `json:"by_type,omitempty"`
	Open   int64            `json:"open"`
	// OpenAmount is what the open ones are worth, per currency.
	OpenAmount map[string]int64 `json:"open_amount,omitempty"`
	// Largest is the open discrepancy worth the most, if any is open.
	Largest *Discrepancy `json:"largest,omitempty"`
}

// Discrepancy is one reconciliation break as a summary names it.
type Discrepancy struct {
	Type string `json:"type"`
	// Description says what broke in words, e.g. "missing wallet debit".
	Description string `json:"description"`
	Currency    string `json:"currency"`
	Amount      int64  `json:"amount"`
}

// Currencies lists the currencies the cycles have GGR in, in order.
func Currencies(cycles ...Figures) []string {
	set := map[string]bool{}
	for _, f := range cycles {
		for cur := range f.GGR {
			set[cur] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// Series names one figure followed across cycles.
type Series struct {
	Metric   string `json:"metric"`
	Currency string `json:"currency,omitempty"` // GGR only
}

// value is the series' figure in f, exactly; ok is false where it is not
// defined (a rate of a cycle that received nothing). A currency a cycle
// had no GGR in counts as zero.
func (s Series) value(f Figures) (*big.Rat, bool) {
	switch s.Metric {
	case MetricVolume:
		return new(big.Rat).SetInt64(f.Records), true
	case MetricGGR:
		return new(big.Rat).SetInt64(f.GGR[s.Currency]), true
	case MetricRejectRate:
		return rate(f.Rejected, f.Records)
	case MetricDiscrepancyRate:
		return rate(f.Discrepancies.Found, f.Records)
	}
	return nil, false
}

// isRate says whether the series is a ratio, compared by its rise in
// percentage points rather than by relative change.
func (s Series) isRate() bool {
	return s.Metric == MetricRejectRate || s.Metric == MetricDiscrepancyRate
}

func rate(n, of int64) (*big.Rat, bool) {
	if of <= 0 {
		return nil, false
	}
	return big.NewRat(n, of), true
}

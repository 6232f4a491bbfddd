package trend

import (
	"fmt"
	"math/big"

	"github.com/settleflow/settleflow/internal/money"
)

// Change is one series of this cycle against its baseline. Value and
// Baseline are records, minor units, or basis points of a rate; ChangeBP
// is the relative change (volume, GGR) or the rise of a rate, in basis
// points of the baseline or of the whole.
type Change struct {
	Series
	Value    int64 `json:"value"`
	Baseline int64 `json:"baseline"`
	ChangeBP int64 `json:"change_bp"`
	// Compared is false where there is no baseline to compare with: no
	// earlier cycle, or a zero mean that no relative change can be taken of.
	Compared bool `json:"compared"`
	// Cycles is how many earlier cycles the baseline is the mean of.
	Cycles int `json:"cycles"`
}

// Anomaly is a change beyond the scope's threshold.
type Anomaly struct {
	Change
	ThresholdBP int64 `json:"threshold_bp"`
}

// Analysis is a cycle set against its trailing cycles.
type Analysis struct {
	// Cycles is how many earlier cycles the baselines draw on.
	Cycles    int
	Trailing  int
	Changes   []Change
	Anomalies []Anomaly
	Forecasts []Forecast
}

// Analyze compares cur with the earlier completed cycles (oldest first):
// the baseline of every series is the mean of its last th.Trailing values.
// A change beyond its threshold is an anomaly once at least th.MinHistory
// earlier cycles exist. The forecast runs over earlier and cur together.
func Analyze(cur Figures, earlier []Figures, th Thresholds) (Analysis, error) {
	window := earlier[max(0, len(earlier)-th.trailing()):]
	an := Analysis{Cycles: len(window), Trailing: th.trailing()}
	for _, s := range seriesOf(cur, window) {
		ch, d, err := compare(s, cur, window)
		if err != nil {
			return Analysis{}, err
		}
		an.Changes = append(an.Changes, ch)
		limit := th.limit(s)
		if limit == nil || d == nil || ch.Cycles < th.minHistory() || !beyond(s, d, limit) {
			continue
		}
		bp, err := basisPoints(limit)
		if err != nil {
			return Analysis{}, err
		}
		an.Anomalies = append(an.Anomalies, Anomaly{Change: ch, ThresholdBP: bp})
	}
	all := append(append([]Figures(nil), earlier...), cur)
	for _, s := range forecastSeries(cur) {
		f, err := forecast(s, all, th)
		if err != nil {
			return Analysis{}, err
		}
		an.Forecasts = append(an.Forecasts, f)
	}
	return an, nil
}

// seriesOf lists what stage 3 compares: volume, GGR in every currency this
// cycle or the window has, and the two rates.
func seriesOf(cur Figures, window []Figures) []Series {
	out := []Series{{Metric: MetricVolume}}
	for _, c := range Currencies(append([]Figures{cur}, window...)...) {
		out = append(out, Series{Metric: MetricGGR, Currency: c})
	}
	return append(out, Series{Metric: MetricRejectRate}, Series{Metric: MetricDiscrepancyRate})
}

// compare sets the series' value in cur against its mean over window, and
// returns the exact change too: nil where there is nothing to compare.
func compare(s Series, cur Figures, window []Figures) (Change, *big.Rat, error) {
	ch := Change{Series: s}
	v, ok := s.value(cur)
	if !ok {
		return ch, nil, nil
	}
	mean, n := meanOf(s, window)
	ch.Cycles = n
	var err error
	if ch.Value, err = inUnits(s, v); err != nil || n == 0 {
		return ch, nil, err
	}
	if ch.Baseline, err = inUnits(s, mean); err != nil {
		return ch, nil, err
	}
	d, ok := delta(s, v, mean)
	if !ok {
		return ch, nil, nil
	}
	ch.Compared = true
	ch.ChangeBP, err = basisPoints(d)
	return ch, d, err
}

// delta is the rise of a rate, or the change relative to the baseline's
// magnitude (so a GGR that rose from a negative mean rose); none for a
// zero baseline.
func delta(s Series, v, mean *big.Rat) (*big.Rat, bool) {
	d := new(big.Rat).Sub(v, mean)
	if s.isRate() {
		return d, true
	}
	if mean.Sign() == 0 {
		return nil, false
	}
	return d.Quo(d, new(big.Rat).Abs(mean)), true
}

// beyond reports whether the change d passes limit: a rate rising by more,
// or a figure moving either way by more.
func beyond(s Series, d, limit *big.Rat) bool {
	if !s.isRate() {
		d = new(big.Rat).Abs(d)
	}
	return d.Cmp(limit) > 0
}

// meanOf is the series' mean over the cycles where it is defined.
func meanOf(s Series, cycles []Figures) (*big.Rat, int) {
	sum, n := new(big.Rat), 0
	for _, f := range cycles {
		if v, ok := s.value(f); ok {
			sum.Add(sum, v)
			n++
		}
	}
	if n == 0 {
		return sum, 0
	}
	return sum.Quo(sum, new(big.Rat).SetInt64(int64(n))), n
}

// inUnits rounds a value to the series' unit: whole records or minor
// units, or basis points of a rate.
func inUnits(s Series, v *big.Rat) (int64, error) {
	if s.isRate() {
		return basisPoints(v)
	}
	return round(v)
}

func basisPoints(r *big.Rat) (int64, error) {
	return round(new(big.Rat).Mul(r, big.NewRat(10000, 1)))
}

func round(r *big.Rat) (int64, error) {
	n, err := money.RoundRat(r, money.HalfEven)
	if err != nil {
		return 0, fmt.Errorf("trend: %w", err)
	}
	return n, nil
}

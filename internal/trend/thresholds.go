package trend

import (
	"math/big"

	"github.com/settleflow/settleflow/internal/money"
)

// Defaults where a scope leaves the window unsaid.
const (
	DefaultTrailing   = 7
	DefaultMinHistory = 3
)

// Thresholds are a scope's stage-3 rules. A nil limit leaves its metric
// unchecked; the baseline and forecast are computed either way.
type Thresholds struct {
	// Trailing is how many earlier completed cycles make the baseline, and
	// over how many recent cycles a forecast's error is measured.
	Trailing int
	// MinHistory is the fewest earlier cycles an anomaly is flagged on.
	MinHistory int
	// Season, when set, also tries the seasonal-naive forecast (the value
	// Season cycles back, e.g. 7 for a weekly rhythm in daily cycles).
	Season int
	// VolumeChange and GGRChange bound the relative change against the
	// baseline, either way.
	VolumeChange *money.Ratio
	GGRChange    *money.Ratio
	// RejectRateRise and DiscrepancyRateRise bound how far a rate may rise
	// above its baseline, in percentage points; a falling rate is no
	// anomaly.
	RejectRateRise      *money.Ratio
	DiscrepancyRateRise *money.Ratio
}

// History is how many earlier cycles Analyze can use: a baseline's worth,
// and before the cycles a forecast's error is measured on, a baseline or a
// season of their own.
func (t Thresholds) History() int {
	return t.trailing() + max(t.trailing(), t.Season)
}

func (t Thresholds) trailing() int {
	if t.Trailing > 0 {
		return t.Trailing
	}
	return DefaultTrailing
}

func (t Thresholds) minHistory() int {
	if t.MinHistory > 0 {
		return t.MinHistory
	}
	return DefaultMinHistory
}

// limit is the series' threshold as an exact fraction, nil if unchecked.
func (t Thresholds) limit(s Series) *big.Rat {
	var r *money.Ratio
	switch s.Metric {
	case MetricVolume:
		r = t.VolumeChange
	case MetricGGR:
		r = t.GGRChange
	case MetricRejectRate:
		r = t.RejectRateRise
	case MetricDiscrepancyRate:
		r = t.DiscrepancyRateRise
	}
	if r == nil {
		return nil
	}
	return r.Rat()
}

package summary

import (
	"fmt"

	"github.com/settleflow/settleflow/internal/trend"
)

// Anomaly describes one stage-3 anomaly with its numbers, as the approval
// gate and the event log show it, e.g. "GGR in KRW of 1150000 KRW is 15%
// above the trailing 7-cycle mean of 1000000 KRW (threshold 10%)".
func Anomaly(a trend.Anomaly) string {
	base := trailing(a.Cycles)
	switch a.Metric {
	case trend.MetricVolume:
		return fmt.Sprintf("volume of %s is %s %s %s of %d (threshold %s)",
			count(a.Value, "record", "records"), percent(abs(a.ChangeBP)), direction(a.ChangeBP), base, a.Baseline, percent(a.ThresholdBP))
	case trend.MetricGGR:
		return fmt.Sprintf("GGR in %s of %s is %s %s %s of %s (threshold %s)", a.Currency, amount(a.Value, a.Currency),
			percent(abs(a.ChangeBP)), direction(a.ChangeBP), base, amount(a.Baseline, a.Currency), percent(a.ThresholdBP))
	}
	name := "reject rate"
	if a.Metric == trend.MetricDiscrepancyRate {
		name = "discrepancy rate"
	}
	return fmt.Sprintf("%s of %s is %s above %s of %s (threshold %s)", name, percent(a.Value),
		points(a.ChangeBP), base, percent(a.Baseline), points(a.ThresholdBP))
}

func direction(bp int64) string {
	if bp < 0 {
		return "below"
	}
	return "above"
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

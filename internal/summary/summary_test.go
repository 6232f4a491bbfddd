package summary

import (
	"testing"

	"github.com/settleflow/settleflow/internal/money"
	"github.com/settleflow/settleflow/internal/trend"
)

func figures(records, rejected int64, ggr map[string]int64) trend.Figures {
	return trend.Figures{Records: records, Rejected: rejected, GGR: ggr}
}

func analyze(t *testing.T, cur trend.Figures, earlier []trend.Figures, th trend.Thresholds) trend.Analysis {
	t.Helper()
	an, err := trend.Analyze(cur, earlier, th)
	if err != nil {
		t.Fatal(err)
	}
	return an
}

func TestWriteAgainstTrailingCycles(t *testing.T) {
	var earlier []trend.Figures
	for range 7 {
		earlier = append(earlier, figures(1000, 10, map[string]int64{"KRW": 1000000, "USD": 50000}))
	}
	cur := figures(1000, 40, map[string]int64{"KRW": 1150000, "USD": 48500})
	cur.Discrepancies = trend.Discrepancies{Found: 5, Open: 3, OpenAmount: map[string]int64{"KRW": 1200000},
		Largest: &trend.Discrepancy{Type: "MISSING_RIGHT", Description: "a missing wallet debit", Currency: "KRW", Amount: 900000}}
	ggrLimit, _ := money.ParsePercent("10%")
	rejectLimit, _ := money.ParsePercent("2%")
	an := analyze(t, cur, earlier, trend.Thresholds{GGRChange: &ggrLimit, RejectRateRise: &rejectLimit})
	got := Write("kr-casino", cur, an)
	want := "GGR in KRW rose 15% over the trailing 7-cycle mean to 1150000 KRW and in USD fell 3% below the mean to 485.00 USD. " +
		"1000 records received, 40 rejected (4%). " +
		"3 discrepancies worth 1200000 KRW remain open, the largest a missing wallet debit of 900000 KRW. " +
		"Flagged for approval: GGR in KRW of 1150000 KRW is 15% above the trailing 7-cycle mean of 1000000 KRW (threshold 10%); " +
		"reject rate of 4% is 3 points above the trailing 7-cycle mean of 1% (threshold 2 points). " +
		"Next cycle forecast: 1000 records (7-cycle trailing mean, off by 0% on average over the last 7 cycles), " +
		"GGR 1021429 KRW (7-cycle trailing mean, off by 1.86% on average over the last 7 cycles), " +
		"GGR 497.86 USD (7-cycle trailing mean, off by 0.44% on average over the last 7 cycles)."
	if got != want {
		t.Errorf("summary\n got %q\nwant %q", got, want)
	}
}

func TestWriteFirstCycle(t *testing.T) {
	cur := figures(7600, 0, map[string]int64{"KRW": 1234567, "USD": -1005})
	got := Write("demo-casino", cur, analyze(t, cur, nil, trend.Thresholds{}))
	want := "First cycle of demo-casino on record: GGR 1234567 KRW and -10.05 USD. 7600 records received, none rejected. " +
		"Next cycle forecast: 7600 records (1-cycle trailing mean, error not yet measurable), " +
		"GGR 1234567 KRW (1-cycle trailing mean, error not yet measurable), GGR -10.05 USD (1-cycle trailing mean, error not yet measurable)."
	if got != want {
		t.Errorf("summary\n got %q\nwant %q", got, want)
	}
}

func TestAnomalyVolume(t *testing.T) {
	a := trend.Anomaly{Change: trend.Change{Series: trend.Series{Metric: trend.MetricVolume}, Value: 1862, Baseline: 4930,
		ChangeBP: -6224, Compared: true, Cycles: 7}, ThresholdBP: 5000}
	want := "volume of 1862 records is 62.24% below the trailing 7-cycle mean of 4930 (threshold 50%)"
	if got := Anomaly(a); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestWords(t *testing.T) {
	for bp, want := range map[int64]string{1500: "15%", 1550: "15.5%", 16: "0.16%", 0: "0%", -205: "-2.05%"} {
		if got := percent(bp); got != want {
			t.Errorf("percent(%d) = %q, want %q", bp, got, want)
		}
	}
	if got := list([]string{"a", "b", "c"}); got != "a, b and c" {
		t.Errorf("list = %q", got)
	}
}

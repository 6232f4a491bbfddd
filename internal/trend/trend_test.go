package trend

import (
	"testing"

	"github.com/settleflow/settleflow/internal/money"
)

func pct(t *testing.T, s string) *money.Ratio {
	t.Helper()
	r, err := money.ParsePercent(s)
	if err != nil {
		t.Fatal(err)
	}
	return &r
}

func cycle(records, rejected, krw int64) Figures {
	return Figures{Records: records, Rejected: rejected, GGR: map[string]int64{"KRW": krw}}
}

func find(changes []Change, metric, currency string) (Change, bool) {
	for _, c := range changes {
		if c.Metric == metric && c.Currency == currency {
			return c, true
		}
	}
	return Change{}, false
}

func TestAnalyzeFlagsChangesBeyondThresholds(t *testing.T) {
	earlier := []Figures{cycle(1000, 10, 100000), cycle(1000, 10, 100000), cycle(1000, 10, 100000), cycle(1200, 12, 100000)}
	th := Thresholds{Trailing: 3, MinHistory: 3, VolumeChange: pct(t, "50%"), GGRChange: pct(t, "10%"),
		RejectRateRise: pct(t, "2%")}
	// Baseline is the last three: volume 1066.67, GGR 100000 KRW, reject rate 1%.
	cur := cycle(1100, 44, 115000)
	an, err := Analyze(cur, earlier, th)
	if err != nil {
		t.Fatal(err)
	}
	if an.Cycles != 3 {
		t.Fatalf("baseline over %d cycles, want the trailing 3", an.Cycles)
	}
	ggr, _ := find(an.Changes, MetricGGR, "KRW")
	if ggr.Value != 115000 || ggr.Baseline != 100000 || ggr.ChangeBP != 1500 || !ggr.Compared {
		t.Errorf("GGR change %+v, want 115000 against 100000, +15%%", ggr)
	}
	vol, _ := find(an.Changes, MetricVolume, "")
	if vol.Baseline != 1067 || vol.ChangeBP != 312 { // 1100/1066.67 − 1 = 3.125%, 312.5 bp to even
		t.Errorf("volume change %+v", vol)
	}
	rej, _ := find(an.Changes, MetricRejectRate, "")
	if rej.Value != 400 || rej.Baseline != 100 || rej.ChangeBP != 300 {
		t.Errorf("reject rate %+v, want 4%% against 1%%, up 3 points", rej)
	}
	var flagged []string
	for _, a := range an.Anomalies {
		flagged = append(flagged, a.Metric)
	}
	if len(an.Anomalies) != 2 || an.Anomalies[0].Metric != MetricGGR || an.Anomalies[0].ThresholdBP != 1000 ||
		an.Anomalies[1].Metric != MetricRejectRate || an.Anomalies[1].ThresholdBP != 200 {
		t.Errorf("anomalies %v (%+v), want GGR and reject rate", flagged, an.Anomalies)
	}
}

// At the threshold exactly is not beyond it; a falling rate is no anomaly.
func TestAnalyzeBoundaries(t *testing.T) {
	earlier := []Figures{cycle(1000, 50, 100), cycle(1000, 50, 100), cycle(1000, 50, 100)}
	th := Thresholds{VolumeChange: pct(t, "50%"), RejectRateRise: pct(t, "1%")}
	for _, cur := range []Figures{cycle(1500, 0, 100), cycle(500, 0, 100), cycle(1000, 60, 100)} {
		an, err := Analyze(cur, earlier, th)
		if err != nil {
			t.Fatal(err)
		}
		if len(an.Anomalies) != 0 {
			t.Errorf("%+v flagged %+v", cur, an.Anomalies)
		}
	}
	an, err := Analyze(cycle(1501, 0, 100), earlier, th)
	if err != nil || len(an.Anomalies) != 1 {
		t.Errorf("1501 records against 1000 (threshold 50%%): %+v %v", an.Anomalies, err)
	}
}

func TestAnalyzeNeedsHistory(t *testing.T) {
	th := Thresholds{MinHistory: 3, GGRChange: pct(t, "1%")}
	earlier := []Figures{cycle(10, 0, 100), cycle(10, 0, 100)}
	an, err := Analyze(cycle(10, 0, 900), earlier, th)
	if err != nil {
		t.Fatal(err)
	}
	if len(an.Anomalies) != 0 {
		t.Errorf("two earlier cycles flagged %+v; min history is 3", an.Anomalies)
	}
	if ggr, _ := find(an.Changes, MetricGGR, "KRW"); !ggr.Compared || ggr.ChangeBP != 80000 {
		t.Errorf("the change is still measured: %+v", ggr)
	}
	first, err := Analyze(cycle(10, 0, 900), nil, th)
	if err != nil || first.Cycles != 0 || len(first.Anomalies) != 0 {
		t.Fatalf("first cycle: %+v %v", first, err)
	}
	if ggr, _ := find(first.Changes, MetricGGR, "KRW"); ggr.Compared {
		t.Errorf("first cycle compared: %+v", ggr)
	}
}

// A currency new this cycle has a zero baseline: no relative change, no
// anomaly, but it is listed.
func TestAnalyzeNewCurrency(t *testing.T) {
	earlier := []Figures{cycle(10, 0, 100), cycle(10, 0, 100), cycle(10, 0, 100)}
	cur := cycle(10, 0, 100)
	cur.GGR["USD"] = 5000
	an, err := Analyze(cur, earlier, Thresholds{GGRChange: pct(t, "1%")})
	if err != nil {
		t.Fatal(err)
	}
	usd, ok := find(an.Changes, MetricGGR, "USD")
	if !ok || usd.Compared || usd.Value != 5000 || usd.Baseline != 0 || len(an.Anomalies) != 0 {
		t.Errorf("USD %+v, anomalies %+v", usd, an.Anomalies)
	}
}

func TestForecastTrailingMeanWithError(t *testing.T) {
	var earlier []Figures
	for _, v := range []int64{100, 200, 100, 200} {
		earlier = append(earlier, cycle(10, 0, v))
	}
	an, err := Analyze(cycle(10, 0, 100), earlier, Thresholds{Trailing: 2})
	if err != nil {
		t.Fatal(err)
	}
	f := an.Forecasts[1]
	// Next: mean(200, 100) = 150. Errors over the last 2 cycles: cycle 4
	// (200) from mean(200, 100) = 150: 25%; cycle 5 (100) from 150: 50%.
	if f.Metric != MetricGGR || f.Currency != "KRW" || f.Model != ModelTrailingMean || f.Window != 2 ||
		f.Next != 150 || f.ErrorBP != 3750 || f.Evaluated != 2 {
		t.Errorf("forecast %+v", f)
	}
}

// With a season the seasonal-naive model wins when it erred less.
func TestForecastPicksSeasonalNaive(t *testing.T) {
	var earlier []Figures
	for _, v := range []int64{100, 300, 100, 300, 100} {
		earlier = append(earlier, cycle(10, 0, v))
	}
	an, err := Analyze(cycle(10, 0, 300), earlier, Thresholds{Trailing: 3, Season: 2})
	if err != nil {
		t.Fatal(err)
	}
	f := an.Forecasts[1]
	if f.Model != ModelSeasonalNaive || f.Window != 2 || f.Next != 100 || f.ErrorBP != 0 || f.Evaluated != 3 {
		t.Errorf("forecast %+v, want seasonal naive with no error", f)
	}
}

func TestForecastFirstCycle(t *testing.T) {
	an, err := Analyze(cycle(42, 0, 7), nil, Thresholds{Season: 7})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range an.Forecasts {
		if f.Model != ModelTrailingMean || f.Evaluated != 0 {
			t.Errorf("first cycle forecast %+v", f)
		}
	}
	if an.Forecasts[0].Next != 42 || an.Forecasts[1].Next != 7 {
		t.Errorf("forecasts %+v, want this cycle's values", an.Forecasts)
	}
}

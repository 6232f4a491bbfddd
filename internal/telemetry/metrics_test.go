package telemetry

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// scrape fetches the provider's /metrics page through ServeMetrics.
func scrape(t *testing.T, p *Prometheus) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	addr, err := ServeMetrics(ctx, "127.0.0.1:0", p.Handler(), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr.String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d %v", resp.StatusCode, err)
	}
	return string(body)
}

// Each instrument reaches the scrape under the name the dashboard uses,
// with its labels and value.
func TestMetricsScrapeNames(t *testing.T) {
	p, err := NewPrometheus()
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMetrics(p.Provider)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.ObserveBlocked(func(context.Context) (map[string]int64, error) {
		return map[string]int64{"kr-casino": 2}, nil
	}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m.Pulled(ctx, "kr-casino", "agg", 7600)
	m.Accepted(ctx, "kr-casino", "agg", 7500)
	m.Rejected(ctx, "kr-casino", "agg", "rules", "NEGATIVE_AMOUNT", 3)
	m.StepEnded(ctx, "kr-casino", "pull", "completed", 1500*time.Millisecond)
	m.CycleEnded(ctx, "kr-casino", "completed")
	m.Blocked(ctx, "kr-casino", "post")
	m.Anomaly(ctx, "kr-casino", "ggr")
	m.Discrepancies(ctx, "kr-casino", "MISSING_RIGHT", 4)
	m.Settled(ctx, "kr-casino", "KRW", "acme-games", 1200)
	m.Settled(ctx, "kr-casino", "KRW", "acme-games", -200)
	m.Purged(ctx, "kr-casino", "quarantine", 9)
	var nilMetrics *Metrics
	nilMetrics.Pulled(ctx, "x", "y", 1) // records nothing, and does not panic

	page := scrape(t, p)
	for _, want := range []string{
		`settleflow_records_pulled_total{scope="kr-casino",source="agg"} 7600`,
		`settleflow_records_accepted_total{scope="kr-casino",source="agg"} 7500`,
		`settleflow_records_rejected_total{reason="NEGATIVE_AMOUNT",scope="kr-casino",source="agg",stage="rules"} 3`,
		`settleflow_step_duration_seconds_bucket{outcome="completed",scope="kr-casino",step="pull",le="2.5"} 1`,
		`settleflow_step_duration_seconds_sum{outcome="completed",scope="kr-casino",step="pull"} 1.5`,
		`settleflow_cycles_total{outcome="completed",scope="kr-casino"} 1`,
		`settleflow_cycles_blocked{scope="kr-casino"} 2`,
		`settleflow_blocks_total{scope="kr-casino",step="post"} 1`,
		`settleflow_anomalies_total{metric="ggr",scope="kr-casino"} 1`,
		`settleflow_discrepancies_total{scope="kr-casino",type="MISSING_RIGHT"} 4`,
		`settleflow_settled_minor_units{currency="KRW",party="acme-games",scope="kr-casino"} 1000`,
		`settleflow_purged_total{kind="quarantine",scope="kr-casino"} 9`,
		`go_goroutines `,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if strings.Contains(page, `scope="x"`) {
		t.Error("a nil *Metrics recorded")
	}
	for _, name := range dashboardSeries(t) {
		if !strings.Contains(page, "\n"+name) {
			t.Errorf("deploy/grafana/settleflow.json charts %s, which settleflow does not export", name)
		}
	}
	if t.Failed() {
		t.Log(page)
	}
}

// dashboardSeries lists the settleflow series the Grafana dashboard's
// queries name.
func dashboardSeries(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../../deploy/grafana/settleflow.json")
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile(`\bsettleflow_[a-z_]+`).FindAllString(string(data), -1)
	if len(names) == 0 {
		t.Fatal("the dashboard charts no settleflow series")
	}
	return names
}

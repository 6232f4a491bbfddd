package operator_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/telemetry"
	"github.com/settleflow/settleflow/internal/testenv"
)

// A worker serving /metrics settles a cycle: the named series carry the
// cycle's values (records pulled and accepted as the cycle counted them,
// amounts settled as it split them), the Temporal SDK's metrics are there,
// and every Temporal series the Grafana dashboard charts is exported.
func TestMetricsEndpointAfterCycle(t *testing.T) {
	t.Parallel()
	r := server.NewRig(t, testenv.RigOptions{NoWorker: true})
	url := startMeteredWorker(t, r)
	s := start(t, r, "2026-11-01", "scheduler", fast, false)
	res, err := wait(t, r, s)
	if err != nil {
		t.Fatal(err)
	}
	families := scrapeFamilies(t, url)

	scope := map[string]string{"scope": testenv.DemoScope}
	var pulled int
	for _, p := range res.Pulls {
		pulled += p.Progress.Received + p.Progress.Rejects
	}
	source := map[string]string{"scope": testenv.DemoScope, "source": res.Pulls[0].Source}
	want := []expected{
		{"settleflow_records_pulled_total", source, float64(pulled)},
		{"settleflow_records_accepted_total", source, float64(res.Validation.Accepted)},
		{"settleflow_cycles_total", with(scope, "outcome", "completed"), 1},
		{"settleflow_step_duration_seconds", with(scope, "step", "post", "outcome", "completed"), 1}, // one observation
	}
	settled := false
	for _, sh := range res.Shares {
		settled = settled || sh.OperatorAmount != 0
		cur := with(scope, "currency", sh.Currency)
		want = append(want,
			expected{"settleflow_settled_minor_units", with(cur, "party", sh.Partner), float64(sh.PartnerAmount)},
			expected{"settleflow_settled_minor_units", with(cur, "party", "operator"), float64(sh.OperatorAmount)})
	}
	if !settled {
		t.Fatalf("the cycle settled nothing to measure: %+v", res.Shares)
	}
	for _, w := range want {
		got, ok := sampleValue(families[w.name], w.labels)
		if !ok && w.value == 0 && w.name == "settleflow_settled_minor_units" {
			continue // a zero share posts no journal line, so nothing was settled
		}
		if !ok || got != w.value {
			t.Errorf("%s%v = %v (found %v), want %v", w.name, w.labels, got, ok, w.value)
		}
	}
	for _, name := range dashboardSeries(t, "temporal_") {
		if families[name] == nil {
			t.Errorf("the dashboard charts %s, which the worker does not export", name)
		}
	}
	if t.Failed() {
		t.Logf("exported: %v", familyNames(families))
	}
}

// expected is a sample the scrape must hold.
type expected struct {
	name   string
	labels map[string]string
	value  float64
}

// startMeteredWorker runs the rig's worker with a Temporal client and
// activities that record to a Prometheus provider, and returns the URL of
// its /metrics endpoint.
func startMeteredWorker(t *testing.T, r *testenv.Rig) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	prom, err := telemetry.NewPrometheus()
	if err != nil {
		t.Fatal(err)
	}
	metrics, err := telemetry.NewMetrics(prom.Provider)
	if err != nil {
		t.Fatal(err)
	}
	if err := metrics.ObserveBlocked(r.Store.BlockedCycles); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	c, err := platform.Dial(ctx, platform.TemporalOptions{Address: server.Address, Namespace: r.Namespace,
		MetricsHandler: telemetry.TemporalMetrics(prom.Provider, log)}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	acts := r.Activities()
	acts.Metrics = metrics
	w := platform.NewWorker(c, acts)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	addr, err := telemetry.ServeMetrics(ctx, "127.0.0.1:0", prom.Handler(), log)
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + addr.String() + "/metrics"
}

func scrapeFamilies(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("scrape is not Prometheus text: %v", err)
	}
	return families
}

// sampleValue is the value of the family's sample with these labels (a
// histogram's observation count).
func sampleValue(f *dto.MetricFamily, labels map[string]string) (float64, bool) {
	if f == nil {
		return 0, false
	}
	for _, m := range f.GetMetric() {
		if !hasLabels(m, labels) {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	found := 0
	for _, l := range m.GetLabel() {
		if v, ok := want[l.GetName()]; ok {
			if v != l.GetValue() {
				return false
			}
			found++
		}
	}
	return found == len(want)
}

func with(labels map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range labels {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// seriesName matches the metric names in the dashboard's PromQL.
var seriesName = regexp.MustCompile(`\b((?:settleflow|temporal)_[a-z_]+)`)

// dashboardSeries lists the metric families the Grafana dashboard charts
// whose names start with prefix (histogram suffixes removed).
func dashboardSeries(t *testing.T, prefix string) []string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	data, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "..", "deploy", "grafana", "settleflow.json"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range seriesName.FindAllStringSubmatch(string(data), -1) {
		name := m[1]
		for _, suffix := range []string{"_bucket", "_count", "_sum"} {
			if trimmed, ok := strings.CutSuffix(name, suffix); ok {
				name = trimmed
			}
		}
		if strings.HasPrefix(name, prefix) && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		t.Fatalf("the dashboard charts no %s series", prefix)
	}
	return names
}

func familyNames(families map[string]*dto.MetricFamily) []string {
	var names []string
	for n := range families {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

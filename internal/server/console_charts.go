package server

import (
	"fmt"
	"html/template"
	"maps"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/settleflow/settleflow/internal/chart"
	"github.com/settleflow/settleflow/internal/money"
	"github.com/settleflow/settleflow/internal/platform"
)

type chartsData struct {
	Scope  string
	Scopes []string
	Cycles int
	Charts []template.HTML
}

// chartsPage draws the figures of the latest cycles.
func (s *Server) chartsPage(w http.ResponseWriter, r *http.Request, c caller) error {
	scope := r.URL.Query().Get("scope")
	f, err := platform.CycleFiguresOf(r.Context(), s.o.Store, scope, platform.ChartCycles)
	if err != nil {
		return err
	}
	charts, err := drawFigures(f)
	if err != nil {
		return err
	}
	d := chartsData{Scope: scope, Scopes: s.o.Catalog.ScopeNames(), Cycles: len(f.Cycles), Charts: charts}
	return s.page(w, r, c, "charts", view{Title: "Charts", Nav: "charts", Data: d})
}

func drawFigures(f platform.Figures) ([]template.HTML, error) {
	labels := make([]string, len(f.Cycles))
	sources := map[string]bool{}
	rejects := chart.Series{Name: "reject rate", Values: make([]float64, len(f.Cycles))}
	for i, c := range f.Cycles {
		labels[i] = fmt.Sprintf("%s r%d", c.PeriodKey, c.Revision)
		for src := range c.RecordsPerSecond {
			sources[src] = true
		}
		rejects.Values[i] = c.RejectRate
		if c.RejectRate < 0 {
			rejects.Values[i] = math.NaN()
		}
	}
	var throughput []chart.Series
	for _, src := range slices.Sorted(maps.Keys(sources)) {
		s := chart.Series{Name: src, Values: make([]float64, len(f.Cycles))}
		for i, c := range f.Cycles {
			s.Values[i] = math.NaN()
			if v, ok := c.RecordsPerSecond[src]; ok {
				s.Values[i] = v
			}
		}
		throughput = append(throughput, s)
	}
	out := []template.HTML{
		chart.Chart{Title: "Records per second, per source", Labels: labels, Series: throughput,
			Format: func(v float64) string { return fmt.Sprintf("%.0f/s", v) }}.Line(),
		chart.Chart{Title: "Reject rate", Labels: labels, Series: []chart.Series{rejects},
			Format: func(v float64) string { return fmt.Sprintf("%.2f %%", 100*v) }}.Line(),
		latencyChart(f.Steps),
	}
	for _, g := range f.GGR {
		cur, err := money.Lookup(g.Currency)
		if err != nil {
			return nil, err
		}
		s := chart.Series{Name: "GGR " + g.Currency, Values: make([]float64, len(g.GGR))}
		for i, v := range g.GGR {
			s.Values[i] = float64(v)
		}
		out = append(out, chart.Chart{Title: "GGR per day, " + g.Currency, Labels: g.Days, Series: []chart.Series{s},
			Format: func(v float64) string { return money.Format(int64(math.Round(v)), cur) }}.Line())
	}
	return out, nil
}

func latencyChart(steps []platform.StepLatency) template.HTML {
	labels := make([]string, len(steps))
	p50 := chart.Series{Name: "p50", Values: make([]float64, len(steps))}
	p95 := chart.Series{Name: "p95", Values: make([]float64, len(steps))}
	for i, st := range steps {
		labels[i] = st.Step
		p50.Values[i], p95.Values[i] = st.P50.Seconds(), st.P95.Seconds()
	}
	return chart.Chart{Title: "Step latency p50 / p95", Labels: labels, Series: []chart.Series{p50, p95},
		Format: func(v float64) string {
			return (time.Duration(v * float64(time.Second))).Round(time.Millisecond).String()
		}}.Bars()
}

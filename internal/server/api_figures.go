package server

import (
	"net/http"

	"github.com/settleflow/settleflow/internal/money"
	"github.com/settleflow/settleflow/internal/platform"
)

type cycleFiguresJSON struct {
	WorkflowID       string             `json:"workflow_id"`
	Period           string             `json:"period"`
	Revision         int                `json:"revision"`
	Status           string             `json:"status"`
	RecordsPerSecond map[string]float64 `json:"records_per_second"`
	RejectRate       *float64           `json:"reject_rate,omitempty"`
}

type ggrJSON struct {
	Currency  string   `json:"currency"`
	Days      []string `json:"days"`
	GGR       []int64  `json:"ggr_minor"`
	Formatted []string `json:"ggr"`
}

// figures is GET /api/v1/figures?scope=: what the console charts, over
// the latest platform.ChartCycles cycles.
func (s *Server) figures(w http.ResponseWriter, r *http.Request, _ caller) error {
	f, err := platform.CycleFiguresOf(r.Context(), s.o.Store, r.URL.Query().Get("scope"), platform.ChartCycles)
	if err != nil {
		return err
	}
	cycles := make([]cycleFiguresJSON, 0, len(f.Cycles))
	for _, c := range f.Cycles {
		j := cycleFiguresJSON{WorkflowID: c.WorkflowID, Period: c.PeriodKey, Revision: c.Revision, Status: c.Status,
			RecordsPerSecond: c.RecordsPerSecond}
		if c.RejectRate >= 0 {
			rate := c.RejectRate
			j.RejectRate = &rate
		}
		cycles = append(cycles, j)
	}
	steps := make([]map[string]any, 0, len(f.Steps))
	for _, st := range f.Steps {
		steps = append(steps, map[string]any{"step": st.Step, "p50_ms": st.P50.Milliseconds(),
			"p95_ms": st.P95.Milliseconds(), "samples": st.Samples})
	}
	ggr := make([]ggrJSON, 0, len(f.GGR))
	for _, g := range f.GGR {
		j := ggrJSON{Currency: g.Currency, Days: g.Days, GGR: g.GGR}
		cur, err := money.Lookup(g.Currency)
		if err != nil {
			return err
		}
		for _, v := range g.GGR {
			j.Formatted = append(j.Formatted, money.Format(v, cur))
		}
		ggr = append(ggr, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"cycles": cycles, "steps": steps, "ggr": ggr})
	return nil
}

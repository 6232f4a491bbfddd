package platform

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/workflows"
)

// Figures are what the console charts: throughput, rejects and step
// latency over the latest cycles, and GGR per day and currency.
type Figures struct {
	// Cycles are the cycles looked at, oldest first.
	Cycles []CycleFigures
	// Steps are each step's latency over those cycles, in saga order.
	Steps []StepLatency
	// GGR holds one series per currency, days in order.
	GGR []GGRSeries
}

// CycleFigures are one cycle's figures; a cycle that did not get as far as
// validation has no reject rate (-1) and no throughput.
type CycleFigures struct {
	WorkflowID string
	Scope      string
	PeriodKey  string
	Revision   int
	Status     string
	// RecordsPerSecond is, per source, the records it delivered over the
	// duration of the pull step's last attempt (sources pull side by side).
	RecordsPerSecond map[string]float64
	// RejectRate is the share of received records that went to quarantine.
	RejectRate float64
}

// StepLatency is a step's duration percentiles over completed attempts.
type StepLatency struct {
	Step     string
	P50, P95 time.Duration
	Samples  int
}

// GGRSeries is one currency's GGR per settled day (period), in minor units.
type GGRSeries struct {
	Currency string
	Days     []string
	GGR      []int64
}

// ChartCycles is how many cycles the console's charts cover.
const ChartCycles = 30

// CycleFiguresOf reads the latest n cycles (of one scope unless scope is
// empty) from their stored summaries and event logs.
func CycleFiguresOf(ctx context.Context, st *store.Store, scope string, n int) (Figures, error) {
	cycles, err := st.RecentCycles(ctx, scope, n)
	if err != nil {
		return Figures{}, err
	}
	var events []store.Event
	for _, c := range cycles {
		log, err := st.Events(ctx, c.ID)
		if err != nil {
			return Figures{}, err
		}
		events = append(events, log...)
	}
	slices.Reverse(cycles)
	return figuresOf(cycles, events)
}

// figuresOf computes the figures of cycles (oldest first) from their rows
// and event logs.
func figuresOf(cycles []store.Cycle, events []store.Event) (Figures, error) {
	byCycle := map[uuid.UUID][]store.Event{}
	for _, e := range events {
		byCycle[e.CycleID] = append(byCycle[e.CycleID], e)
	}
	var f Figures
	latencies := map[string][]time.Duration{}
	ggr := map[string]map[string]int64{} // currency → period → GGR
	for _, c := range cycles {
		durations := stepDurations(byCycle[c.ID])
		for step, d := range durations {
			latencies[step] = append(latencies[step], d)
		}
		var res workflows.CycleResult
		if len(c.Summary) > 0 {
			if err := json.Unmarshal(c.Summary, &res); err != nil {
				return Figures{}, fmt.Errorf("summary of cycle %s: %w", c.ID, err)
			}
		}
		f.Cycles = append(f.Cycles, cycleFigures(c, res, durations[lifecycle.StepPull]))
		if c.Status == lifecycle.StatusCompleted {
			for _, s := range res.Shares {
				if ggr[s.Currency] == nil {
					ggr[s.Currency] = map[string]int64{}
				}
				ggr[s.Currency][c.PeriodKey] += s.GGR
			}
		}
	}
	f.Steps = latencyOf(latencies)
	for _, cur := range slices.Sorted(maps.Keys(ggr)) {
		s := GGRSeries{Currency: cur, Days: slices.Sorted(maps.Keys(ggr[cur]))}
		for _, day := range s.Days {
			s.GGR = append(s.GGR, ggr[cur][day])
		}
		f.GGR = append(f.GGR, s)
	}
	return f, nil
}

func cycleFigures(c store.Cycle, res workflows.CycleResult, pull time.Duration) CycleFigures {
	f := CycleFigures{WorkflowID: c.WorkflowID, Scope: c.Scope, PeriodKey: c.PeriodKey, Revision: c.Revision,
		Status: c.Status, RecordsPerSecond: map[string]float64{}, RejectRate: -1}
	if pull > 0 {
		for _, p := range res.Pulls {
			f.RecordsPerSecond[p.Source] = float64(p.Progress.Received+p.Progress.Rejects) / pull.Seconds()
		}
	}
	v := res.Validation
	rejects := v.Rejected + v.FormatRejects + v.Conflicts
	if received := v.Staged + v.FormatRejects + v.Conflicts; received > 0 {
		f.RejectRate = float64(rejects) / float64(received)
	}
	return f
}

// stepDurations measures each step's last completed attempt: from the
// step's last start to its completion.
func stepDurations(events []store.Event) map[string]time.Duration {
	started := map[string]time.Time{}
	out := map[string]time.Duration{}
	for _, e := range events {
		switch e.Kind {
		case lifecycle.EventStepStarted:
			started[e.Step] = e.RecordedAt
		case lifecycle.EventStepCompleted:
			if t, ok := started[e.Step]; ok {
				out[e.Step] = e.RecordedAt.Sub(t)
			}
		}
	}
	return out
}

func latencyOf(samples map[string][]time.Duration) []StepLatency {
	steps := slices.SortedFunc(maps.Keys(samples), func(a, b string) int {
		return cmp.Or(cmp.Compare(stepRank(a), stepRank(b)), cmp.Compare(a, b))
	})
	out := make([]StepLatency, 0, len(steps))
	for _, step := range steps {
		ds := slices.Sorted(slices.Values(samples[step]))
		out = append(out, StepLatency{Step: step, P50: percentile(ds, 0.50), P95: percentile(ds, 0.95), Samples: len(ds)})
	}
	return out
}

func stepRank(step string) int {
	if i := slices.Index(lifecycle.Steps, step); i >= 0 {
		return i
	}
	return len(lifecycle.Steps)
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p * float64(len(sorted))))
	return sorted[max(rank, 1)-1]
}

package platform

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/settle"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/workflows"
)

func TestFiguresOf(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	completed := func(period string, pullSeconds int, received int, rejected int64, ggr int64) (store.Cycle, []store.Event) {
		id := uuid.New()
		res := workflows.CycleResult{
			Pulls:      []activities.PullResult{{Source: "aggregator", Progress: activities.PullProgress{Received: received}}},
			Validation: activities.ValidateResult{Staged: int64(received), Rejected: rejected},
			Shares:     []settle.Share{{Partner: "acme", Currency: "KRW", GGR: ggr}, {Partner: "other", Currency: "KRW", GGR: 1}},
		}
		summary, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
		events := []store.Event{
			{CycleID: id, Kind: lifecycle.EventStepStarted, Step: "pull", RecordedAt: at(0)},
			{CycleID: id, Kind: lifecycle.EventStepFailed, Step: "pull", RecordedAt: at(1)},
			{CycleID: id, Kind: lifecycle.EventStepStarted, Step: "pull", RecordedAt: at(100)},
			{CycleID: id, Kind: lifecycle.EventStepCompleted, Step: "pull", RecordedAt: at(100 + pullSeconds)},
			{CycleID: id, Kind: lifecycle.EventStepStarted, Step: "validate", RecordedAt: at(200)},
			{CycleID: id, Kind: lifecycle.EventStepCompleted, Step: "validate", RecordedAt: at(200 + pullSeconds)},
		}
		return store.Cycle{ID: id, PeriodKey: period, Status: lifecycle.StatusCompleted, Summary: summary}, events
	}
	c1, e1 := completed("2026-11-01", 2, 1000, 10, 500)
	c2, e2 := completed("2026-11-02", 4, 1000, 0, -300)
	blocked := store.Cycle{ID: uuid.New(), PeriodKey: "2026-11-03", Status: lifecycle.StatusBlocked}
	f, err := figuresOf([]store.Cycle{c1, c2, blocked}, append(e1, e2...))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Cycles[0].RecordsPerSecond["aggregator"]; got != 500 {
		t.Errorf("records/s of the first cycle = %g, want 500 (last pull attempt only)", got)
	}
	if f.Cycles[0].RejectRate != 0.01 || f.Cycles[1].RejectRate != 0 || f.Cycles[2].RejectRate != -1 {
		t.Errorf("reject rates = %g, %g, %g", f.Cycles[0].RejectRate, f.Cycles[1].RejectRate, f.Cycles[2].RejectRate)
	}
	if len(f.Steps) != 2 || f.Steps[0].Step != "pull" || f.Steps[0].P50 != 2*time.Second || f.Steps[0].P95 != 4*time.Second {
		t.Errorf("step latencies = %+v", f.Steps)
	}
	if len(f.GGR) != 1 || f.GGR[0].Currency != "KRW" || len(f.GGR[0].GGR) != 2 || f.GGR[0].GGR[0] != 501 || f.GGR[0].GGR[1] != -299 {
		t.Errorf("GGR = %+v", f.GGR)
	}
}

func TestPercentile(t *testing.T) {
	ds := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if p := percentile(ds, 0.5); p != 5 {
		t.Errorf("p50 = %d", p)
	}
	if p := percentile(ds, 0.95); p != 10 {
		t.Errorf("p95 = %d", p)
	}
	if p := percentile(nil, 0.5); p != 0 {
		t.Errorf("p50 of nothing = %d", p)
	}
}

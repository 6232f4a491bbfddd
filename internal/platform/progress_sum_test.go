package platform

import (
	"testing"
	"time"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/workflows"
)

func TestSourceProgressAddsFinishedSlicesToThoseInFlight(t *testing.T) {
	view := &workflows.PullView{Source: "agg", Slices: 4, SlicesDone: 2,
		Done: activities.SliceProgress{Pages: 10, Received: 900, Rejects: 100, Bytes: 5000, Total: 1000}}
	running := []SourceProgress{fromSlice(activities.SliceProgress{Pages: 2, Received: 200, Total: 500}),
		fromSlice(activities.SliceProgress{Pages: 1, Received: 50, Total: 400})}
	got := sourceProgress("agg", true, view, nil, running)
	want := SourceProgress{Source: "agg", Slices: 4, SlicesDone: 2, Pages: 13, Received: 1150, Staged: 1150,
		Rejects: 100, Bytes: 5000, Total: 1900}
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}

	// A slice not yet started, or one that has not said its total, leaves
	// the total unknown.
	if got := sourceProgress("agg", true, view, nil, running[:1]); got.Total != -1 {
		t.Errorf("three of four slices accounted for: total %d, want -1", got.Total)
	}
	unknown := append([]SourceProgress{{Total: -1}}, running[1:]...)
	if got := sourceProgress("agg", true, view, nil, unknown); got.Total != -1 {
		t.Errorf("a slice without a total: total %d, want -1", got.Total)
	}
}

func TestSourceProgressOfTodaysPull(t *testing.T) {
	beat := fromPull(activities.PullProgress{Pages: 3, Received: 1500, Inserted: 1400, Duplicates: 100, Rejects: 6})
	if got := sourceProgress("agg", true, nil, nil, []SourceProgress{beat}); got.Pulled() != 1506 || got.Staged != 1400 || got.Total != -1 || got.Done {
		t.Errorf("running pull: %+v", got)
	}
	res := &activities.PullResult{Progress: activities.PullProgress{Pages: 9, Received: 4500, Inserted: 4500}}
	if got := sourceProgress("agg", false, nil, res, nil); got.Received != 4500 || got.Pages != 9 || !got.Done || got.Total != -1 {
		t.Errorf("finished pull: %+v", got)
	}
}

func TestSumSources(t *testing.T) {
	a := SourceProgress{Source: "a", Received: 10, Staged: 10, Total: 100, Done: true}
	b := SourceProgress{Source: "b", Received: 5, Staged: 4, Total: 50}
	if got := sumSources([]SourceProgress{a, b}); got.Received != 15 || got.Staged != 14 || got.Total != 150 || got.Done {
		t.Errorf("sum %+v", got)
	}
	b.Total = -1
	if got := sumSources([]SourceProgress{a, b}); got.Total != -1 {
		t.Errorf("one total unknown: sum total %d, want -1", got.Total)
	}
	t0 := time.Unix(1000, 0)
	a.OldestBeat, a.NewestBeat = t0.Add(time.Second), t0.Add(3*time.Second)
	b.OldestBeat, b.NewestBeat = t0, t0
	if got := sumSources([]SourceProgress{a, b, {}}); !got.OldestBeat.Equal(t0) || !got.NewestBeat.Equal(t0.Add(3*time.Second)) {
		t.Errorf("heartbeats of the sum: oldest %v, newest %v", got.OldestBeat, got.NewestBeat)
	}
	if got := sumSources(nil); got.Total != -1 || got.Done {
		t.Errorf("no sources: %+v", got)
	}
}

func TestProgressOfStatus(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	st := workflows.CycleStatus{WorkflowID: "settle/x/2026-11-01", Status: lifecycle.StatusBlocked,
		Blocked: &workflows.Blocked{Step: lifecycle.StepPull, Error: "feed down"},
		Steps: []workflows.StepState{
			{Name: lifecycle.StepOpen, Status: lifecycle.StepDone, StartedAt: t0, EndedAt: t0.Add(time.Second)},
			{Name: lifecycle.StepPull, Status: lifecycle.StepBlocked, StartedAt: t0.Add(2 * time.Second)},
			{Name: lifecycle.StepValidate, Status: lifecycle.StepPending},
		}}
	p := progressOf(st, t0.Add(10*time.Second))
	if p.Step != lifecycle.StepPull || p.StepsDone != 1 || p.Steps != 3 || p.Blocked != "feed down" ||
		p.Elapsed != 10*time.Second || p.StepElapsed != 8*time.Second {
		t.Errorf("blocked cycle: %+v", p)
	}
	st.Status, st.Blocked = lifecycle.StatusCompleted, nil
	st.Steps[1] = workflows.StepState{Name: lifecycle.StepPull, Status: lifecycle.StepDone, StartedAt: t0.Add(2 * time.Second), EndedAt: t0.Add(5 * time.Second)}
	st.Steps[2] = workflows.StepState{Name: lifecycle.StepValidate, Status: lifecycle.StepDone, StartedAt: t0.Add(5 * time.Second), EndedAt: t0.Add(6 * time.Second)}
	if p := progressOf(st, t0.Add(time.Hour)); p.Step != "" || p.StepsDone != 3 || p.Elapsed != 6*time.Second {
		t.Errorf("completed cycle read an hour later: %+v; want the clock stopped at its end", p)
	}
}

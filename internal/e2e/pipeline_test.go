package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/sim"
)

// Two workers share one cycle: the slices of its source are taken by
// whichever worker polls first, and the result is the one the pipeline
// produced with one worker before it was rebuilt (the golden summary).
func TestTwoWorkersSettleAsOne(t *testing.T) {
	t.Parallel()
	f := goldenFeeds()[2]
	if f.Name != "large" {
		t.Fatalf("golden feed %s, want large", f.Name)
	}
	e := newEnv(t, envOptions{sim: f.Sim, pageSize: f.PageSize, slices: 8, noWorker: true})
	e.startWorker()
	proc := startWorkerProcess(t, buildBinary(t), e)
	defer proc.Process.Kill() //nolint:errcheck // cleanup stops it too

	started, res := e.completeCycle(testTuning)
	want := goldenSummaries(t)["large"]
	got := e.summarize(res)
	gj, _ := json.MarshalIndent(got, "", "  ")
	wj, _ := json.MarshalIndent(want, "", "  ")
	if string(gj) != string(wj) {
		t.Errorf("two workers settled differently from one:\n got %s\nwant %s", gj, wj)
	}
	pullID := started.WorkflowID + "/pull/aggregator"
	t.Logf("slices taken per worker: %v", sliceWorkers(t, e, pullID))
	e.rig.SaveGolden(t, pullID, "", "pull-source-v1")
}

// sliceWorkers counts, from the pull's history, the slices each worker
// identity started.
func sliceWorkers(t *testing.T, e *env, workflowID string) map[string]int {
	t.Helper()
	h, err := platform.History(e.ctx, e.client, workflowID, "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, ev := range h.GetEvents() {
		if ev.GetEventType() == enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED {
			out[ev.GetActivityTaskStartedEventAttributes().GetIdentity()]++
		}
	}
	return out
}

// goldenSummaries reads the pinned summaries of testdata/golden-summary.json.
func goldenSummaries(t *testing.T) map[string]pipelineSummary {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "golden-summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]pipelineSummary
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// A first page slower than the heartbeat timeout does not kill the pull:
// the slice heartbeats on a timer while it waits, so its one attempt lives
// and the cycle completes without a retry.
func TestSlowFirstPageOutlivesHeartbeatTimeout(t *testing.T) {
	t.Parallel()
	var first atomic.Bool
	slowFirst := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if first.CompareAndSwap(false, true) {
				time.Sleep(7 * time.Second)
			}
			h.ServeHTTP(w, r)
		})
	}
	cfg := sim.DefaultProviderConfig()
	cfg.RoundsPerDay, cfg.Players = 300, 50
	e := newEnv(t, envOptions{sim: cfg, slices: 1, feed: slowFirst})
	tuning := testTuning
	tuning.PullHeartbeat = 3 * time.Second
	tuning.MaxAttempts = 1 // a heartbeat timeout would fail the pull for good
	_, res := e.completeCycle(tuning)
	if len(res.Pulls) != 1 || res.Pulls[0].Resumed || res.Pulls[0].Progress.Received == 0 {
		t.Fatalf("pull %+v; want one attempt that received the feed", res.Pulls)
	}
	if !first.Load() {
		t.Fatal("the feed was never slowed")
	}
}

package platform_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/testenv"
)

// temporal is the dev server this package's tests share.
var temporal *testenv.Temporal

func TestMain(m *testing.M) { testenv.Main(m, &temporal) }

// A feed held back keeps the pull going: CycleProgress reports the pull as
// the running step, names its source, and two reads apart the second has
// more records. The feed serves a page only when the test lets it, so the
// pull cannot end before both reads however fast the machine is.
func TestCycleProgressReportsARunningPullThatGrows(t *testing.T) {
	t.Parallel()
	cfg := sim.DefaultProviderConfig()
	cfg.RoundsPerDay = 4300 // ~6,000 records: 60 pages of 100
	pages := make(chan struct{}, 64)
	held := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-pages:
			case <-r.Context().Done():
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	allow := func(n int) {
		for range n {
			pages <- struct{}{}
		}
	}
	r := temporal.NewRig(t, testenv.RigOptions{Sim: cfg, PageSize: 100, Slices: 1, Feed: held})
	ctx := testenv.Context(t, 2*time.Minute)
	tuning := testenv.FastTuning
	// The SDK sends an activity's heartbeats to the server at most every
	// 0.8 of its heartbeat timeout; progress can be no fresher than that.
	tuning.PullHeartbeat = time.Second
	started, err := platform.StartCycle(ctx, r.Client, r.Catalog, platform.StartRequest{
		Scope: testenv.DemoScope, Period: "2026-11-01", StartedBy: "progress-test", Tuning: tuning})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		// Nothing more to see: end the cycle rather than wait for the pull.
		_ = r.Client.TerminateWorkflow(ctx, started.WorkflowID, started.RunID, "progress test done")
	}()

	allow(3)
	first := readUntil(t, ctx, r.Client, started, func(p platform.Progress) bool { return p.Pull.Pulled() > 0 })
	allow(3)
	second := readUntil(t, ctx, r.Client, started, func(p platform.Progress) bool { return p.Pull.Pulled() > first.Pull.Pulled() })
	t.Logf("two reads: %+v then %+v", first.Pull, second.Pull)
	for _, p := range []platform.Progress{first, second} {
		if p.Status != lifecycle.StatusRunning || p.StepsDone != 1 || p.Elapsed <= 0 || p.StepElapsed <= 0 {
			t.Errorf("progress %+v: want a running cycle one step done, with elapsed times", p)
		}
		if len(p.Sources) != 1 || p.Sources[0].Source != "aggregator" || p.Sources[0].Done || p.Sources[0].Pages == 0 {
			t.Errorf("sources %+v: want the aggregator's pull, open, some pages in", p.Sources)
		}
		if p.Pull.Staged > p.Pull.Received || p.Pull.Total > 0 && int64(p.Pull.Pulled()) > p.Pull.Total {
			t.Errorf("pull %+v: staged above received, or pulled above the total", p.Pull)
		}
	}
}

// readUntil reads the cycle's progress until ok holds, and fails if the
// pull ends first.
func readUntil(t *testing.T, ctx context.Context, c client.Client, s platform.Started, ok func(platform.Progress) bool) platform.Progress {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		p, err := platform.CycleProgress(ctx, c, s.WorkflowID, s.RunID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Step != lifecycle.StepPull && p.StepsDone > 1 {
			t.Fatalf("the pull ended before the progress could be seen: %+v", p)
		}
		if p.Step == lifecycle.StepPull && ok(p) {
			return p
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("no such progress within 30 s")
	return platform.Progress{}
}

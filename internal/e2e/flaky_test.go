package e2e

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/testenv"
)

// A partner failing every 7th request with a 500 and throttling every 5th
// with a 429 and Retry-After: 1 is ridden out inside the pull by the
// scope's default request policy: with a single attempt per activity, any
// failure reaching Temporal would block the cycle, and it completes with
// exactly the settlement of a well-behaved feed.
func TestFlakyPartnerCompletesUnattended(t *testing.T) {
	t.Parallel()
	cfg := demoFeed()
	cfg.RoundsPerDay = 4000
	cfg.Faults.FailEveryN, cfg.Faults.RateLimitEvery = 7, 5
	x := expect(t, cfg, periodFrom, periodTo)
	e := newEnv(t, envOptions{sim: cfg})
	tuning := testTuning
	tuning.MaxAttempts = 1
	_, res := e.completeCycle(tuning)
	requireSettlement(t, e, res, x)
	stats := e.sim.Stats()
	if stats.Faults < 3 {
		t.Errorf("the feed injected %d faults in %d requests; the test needs several", stats.Faults, stats.Requests)
	}
	kinds := e.eventKinds(e.cycleID(res))
	if indexOf(kinds, "cycle.blocked:pull") >= 0 || indexOf(kinds, "step.failed:pull") >= 0 {
		t.Errorf("the pull failed on the way: %v", kinds)
	}
	t.Logf("%d requests, %d faults ridden out, %d pages", stats.Requests, stats.Faults, stats.Pages)
}

// failOnce answers the at-th request with a 503.
func failOnce(at int64) func(http.Handler) http.Handler {
	var n atomic.Int64
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == at {
				http.Error(w, `{"error":"upstream hiccup"}`, http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// A pull whose attempt fails half way resumes from its heartbeated cursor
// in the next attempt, and what the step reports — in the result, the
// status query, the event log and the status rebuilt from it — counts
// every page and record of the source once: the attempts add up, neither
// the last one alone nor a page twice.
func TestResumedPullCountsAcrossAttempts(t *testing.T) {
	t.Parallel()
	cfg := demoFeed()
	cfg.RoundsPerDay = 4000
	x := expect(t, cfg, periodFrom, periodTo)
	// One try per request, so the 503 fails the attempt rather than being
	// retried inside it.
	scope := testenv.DemoScopeYAML(t, "    page_size: 500", "    page_size: 500\n    requests: {attempts: 1}")
	e := newEnv(t, envOptions{sim: cfg, slices: 1, scopeYAML: scope, feed: failOnce(6)})
	started, res := e.completeCycle(testTuning)
	total := pages(x.records, e.source.PageSize)
	received, rejects := x.records-int(x.formatRejects), int(x.formatRejects)

	if len(res.Pulls) != 1 || !res.Pulls[0].Resumed {
		t.Fatalf("pull %+v did not resume", res.Pulls)
	}
	if p := res.Pulls[0].Progress; p.Pages != total || p.Received != received || p.Rejects != rejects || p.Duplicates != 0 {
		t.Errorf("pull progress %+v, want %d pages, %d received, %d rejects, no duplicates", p, total, received, rejects)
	}
	if served := e.sim.Stats().Pages; served > int64(total)+1 {
		t.Errorf("the feed served %d pages for %d: the second attempt started over", served, total)
	}
	want := map[string]int64{"pages": int64(total), "received": int64(received), "rejects": int64(rejects), "duplicates": 0}
	requireCounts := func(where string, counts map[string]int64) {
		t.Helper()
		for k, v := range want {
			if counts[k] != v {
				t.Errorf("%s: pull %s = %d, want %d (counts %v)", where, k, counts[k], v, counts)
			}
		}
	}
	requireCounts("status query", stepState(e.finalStatus(started), lifecycle.StepPull).Counts)
	id := e.cycleID(res)
	cyc, err := e.store.Cycle(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	events, err := e.store.Events(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	requireCounts("event log", stepState(platform.StatusFromLog(cyc, events), lifecycle.StepPull).Counts)
	requireSettlement(t, e, res, x)
}

package operator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/alert"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/workflows"
)

// breakable serves 503 while broken is set, like a partner API that is down
// until someone fixes it.
func breakable(broken *atomic.Bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if broken.Load() {
				http.Error(w, `{"error":"maintenance"}`, http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

type receivedAlert struct {
	body alert.Blocked
	at   time.Time
}

// webhook receives alerts and keeps those whose signature verifies.
func webhook(t *testing.T, secret string) (string, <-chan receivedAlert) {
	ch := make(chan receivedAlert, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !alert.Verify(body, r.Header.Get(alert.SignatureHeader), []byte(secret)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var b alert.Blocked
		if err := json.Unmarshal(body, &b); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ch <- receivedAlert{body: b, at: time.Now()}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, ch
}

// A source that fails until it is fixed blocks the cycle, an alert reaches
// the webhook within 30 s, and a retry after the fix settles the right
// totals. The same retry sent twice is applied once.
func TestBlockedSourceAlertsThenRetryAfterFix(t *testing.T) {
	t.Parallel()
	var broken atomic.Bool
	broken.Store(true)
	hookURL, alerts := webhook(t, "hook-secret")
	r := server.NewRig(t, testenv.RigOptions{Feed: breakable(&broken), Env: map[string]string{
		activities.AlertWebhookEnv(testenv.DemoScope): hookURL, activities.AlertSecretEnv: "hook-secret"}})
	s := start(t, r, "2026-11-01", "scheduler", fast, false)

	st := waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusBlocked)
	if st.Blocked.Step != lifecycle.StepPull || st.Blocked.CanSkip || !st.Blocked.CanAbort {
		t.Fatalf("blocked = %+v", st.Blocked)
	}
	select {
	case a := <-alerts:
		if a.body.WorkflowID != s.WorkflowID || a.body.Step != lifecycle.StepPull || a.body.Event != "cycle.blocked" {
			t.Errorf("alert = %+v", a.body)
		}
		if late := a.at.Sub(st.Blocked.Since); late > 30*time.Second {
			t.Errorf("alert arrived %s after the cycle blocked", late)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no alert within 30 s of blocking")
	}
	listed := waitListed(t, r, lifecycle.StatusBlocked, s.WorkflowID)
	if listed.Period != "2026-11-01" || listed.Scope != testenv.DemoScope {
		t.Errorf("visibility listing = %+v", listed)
	}

	act(t, r, s.WorkflowID, lifecycle.ActionSkip, "ops", "skip it", "not optional")
	act(t, r, s.WorkflowID, lifecycle.ActionApprove, "ops", "approve it", "not awaiting approval")
	act(t, r, s.WorkflowID, lifecycle.ActionReject, "ops", "reject it", "not awaiting approval")
	broken.Store(false)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ { // the same command twice, e.g. a nervous double click
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = platform.Act(testenv.Context(t, 30*time.Second), r.Client, s.WorkflowID, lifecycle.ActionRetry, "ops", "feed fixed")
		}()
	}
	wg.Wait()
	res, err := wait(t, r, s)
	if err != nil {
		st, qerr := platform.QueryCycle(testenv.Context(t, 5*time.Second), r.Client, s.WorkflowID, "")
		t.Fatalf("cycle failed after retry: %v; status %+v (%v)", err, st, qerr)
	}
	assertShares(t, res, r)
	kinds := eventKinds(t, r, s.WorkflowID)
	if n := count(kinds, "action.retry:ops"); n != 1 {
		t.Errorf("retry applied %d times, want once: %v", n, kinds)
	}
	if count(kinds, "cycle.blocked:") != 1 || count(kinds, "cycle.completed:") != 1 {
		t.Errorf("event log = %v", kinds)
	}
	r.SaveGolden(t, s.WorkflowID, s.RunID, "cycle-blocked-retried-v2")
}

func waitListed(t *testing.T, r *testenv.Rig, status, workflowID string) platform.CycleListing {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		list, err := platform.ListCycles(testenv.Context(t, 10*time.Second), r.Client, testenv.DemoScope, status, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range list {
			if l.WorkflowID == workflowID {
				return l
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s never listed as %s", workflowID, status)
	return platform.CycleListing{}
}

// assertShares checks the GGR per currency against the simulator's valid
// records, computed here independently.
func assertShares(t *testing.T, res workflows.CycleResult, r *testenv.Rig) {
	t.Helper()
	cyc, err := r.Store.LatestCycleOfWorkflow(testenv.Context(t, 10*time.Second), res.WorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	for _, tx := range sim.ExpectedValid(r.SimConfig, cyc.PeriodStart, cyc.PeriodEnd) {
		switch tx.Type {
		case sim.TypeBet:
			want[tx.Currency] += tx.Amount
		default:
			want[tx.Currency] -= tx.Amount
		}
	}
	if len(res.Shares) != len(want) {
		t.Fatalf("shares %+v, want GGR %v", res.Shares, want)
	}
	for _, s := range res.Shares {
		if s.GGR != want[s.Currency] || s.PartnerAmount+s.OperatorAmount != s.GGR {
			t.Errorf("%s: GGR %d (partner %d + operator %d), want %d", s.Currency, s.GGR, s.PartnerAmount, s.OperatorAmount, want[s.Currency])
		}
	}
}

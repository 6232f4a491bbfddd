package operator_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/workflows"
)

// aggregatorDown answers the aggregator's paths with 503 and a long
// Retry-After while down is set, as a partner down for maintenance does;
// the wallet and the rest of the world answer as usual.
func aggregatorDown(down *atomic.Bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if down.Load() && strings.HasPrefix(r.URL.Path, sim.PathTransactions) {
				w.Header().Set("Retry-After", "600")
				http.Error(w, `{"error":"maintenance"}`, http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// fallbackWorld mirrors the aggregator in the wallet with some mirrors
// missing and some amounts wrong, so the wallet's figures differ from the
// aggregator's and the revision has something to correct.
func fallbackWorld() *sim.WorldConfig {
	w := sim.DefaultWorldConfig()
	w.Breaks = sim.Breaks{sim.MissingInWallet: 0.02, sim.AmountMismatch: 0.02}
	return &w
}

// The aggregator stays down; the cycle blocks and offers the fallback;
// the operator takes it, and the cycle settles from the wallet's mirror of
// the game transactions, marked in the result, the status, the event log
// and the statement. With the aggregator back, a revision pulls it and
// shows, per currency, how its figures differ from the wallet's.
func TestFallbackThenRevision(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	down.Store(true)
	r := server.NewRig(t, testenv.RigOptions{Kinds: []string{record.KindProvider, record.KindWallet},
		World: fallbackWorld(), Feed: aggregatorDown(&down)})
	s := start(t, r, "2026-11-01", "scheduler", fast, false)

	st := waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusBlocked)
	if st.Blocked.Step != lifecycle.StepPull || !st.Blocked.CanFallback {
		t.Fatalf("blocked = %+v", st.Blocked)
	}
	act(t, r, s.WorkflowID, lifecycle.ActionFallback, "alice", "", "a reason is required")
	act(t, r, s.WorkflowID, lifecycle.ActionFallback, "alice", "aggregator down for maintenance", "")
	res, err := wait(t, r, s)
	if err != nil {
		t.Fatal(err)
	}
	r.SaveGolden(t, s.WorkflowID, s.RunID, "cycle-fallback-v3")
	fromWallet := checkFallbackCycle(t, r, s.WorkflowID, res)

	down.Store(false)
	rev := start(t, r, "2026-11-01", "alice", fast, true)
	res2, err := wait(t, r, rev)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res2.Pulls {
		if p.Fallback != "" {
			t.Errorf("the revision took %s from a fallback again", p.Source)
		}
	}
	checkCorrections(t, r, res2, fromWallet)
}

// checkFallbackCycle checks the marks of the fallback and returns the
// aggregator's GGR per currency, as the wallet gave it.
func checkFallbackCycle(t *testing.T, r *testenv.Rig, workflowID string, res workflows.CycleResult) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	var agg *activities.PullResult
	for i := range res.Pulls {
		if res.Pulls[i].Source == "aggregator" {
			agg = &res.Pulls[i]
		}
	}
	if agg == nil || agg.Fallback != "wallet" || agg.Progress.Inserted == 0 {
		t.Fatalf("aggregator pull %+v", agg)
	}
	if kinds := eventKinds(t, r, workflowID); count(kinds, "action.fallback:alice") != 1 || count(kinds, "source.fallback:alice") != 1 {
		t.Errorf("event log %v", kinds)
	}
	st := waitStatus(t, r.Client, workflowID, lifecycle.StatusCompleted)
	if len(st.Fallbacks) != 1 || st.Fallbacks[0].Fallback != "wallet" || st.Fallbacks[0].Mode != "manual" || st.Fallbacks[0].Actor != "alice" {
		t.Errorf("status fallbacks %+v", st.Fallbacks)
	}
	statements, err := r.Store.Statements(ctx, uuid.MustParse(res.CycleID))
	if err != nil || len(statements) != 1 {
		t.Fatalf("statements %+v, %v", statements, err)
	}
	var body struct {
		FromFallback []struct{ Source, Fallback string } `json:"figures_from_fallback"`
	}
	if err := json.Unmarshal(statements[0].JSON, &body); err != nil || len(body.FromFallback) != 1 ||
		body.FromFallback[0].Source != "aggregator" || !strings.Contains(statements[0].CSV, "aggregator from wallet") {
		t.Errorf("statement does not mark the fallback: %s %v", statements[0].JSON, err)
	}
	ggr := map[string]int64{}
	for _, s := range res.Shares {
		ggr[s.Currency] = s.GGR
	}
	return ggr
}

// checkCorrections holds the revision's corrections to the two cycles'
// own figures, and to the breaks the world injected.
func checkCorrections(t *testing.T, r *testenv.Rig, rev workflows.CycleResult, fromWallet map[string]int64) {
	t.Helper()
	if len(rev.Corrections) == 0 {
		t.Fatal("the revision shows no difference from the wallet's figures")
	}
	ggr := map[string]int64{}
	for _, s := range rev.Shares {
		ggr[s.Currency] = s.GGR
	}
	for _, k := range rev.Corrections {
		if k.Source != "aggregator" || k.Fallback != "wallet" || k.PreviousGGR != fromWallet[k.Currency] || k.GGR != ggr[k.Currency] ||
			k.Difference != k.GGR-k.PreviousGGR {
			t.Errorf("correction %+v; GGR from the wallet %d, from the aggregator %d", k, fromWallet[k.Currency], ggr[k.Currency])
		}
	}
	c, err := r.Store.Cycle(context.Background(), uuid.MustParse(rev.CycleID))
	if err != nil {
		t.Fatal(err)
	}
	key, err := sim.AnswerKey(r.WorldConfig, c.PeriodStart, c.PeriodEnd)
	if err != nil {
		t.Fatal(err)
	}
	// What the wallet lacked or got wrong is what the revision corrects.
	want := map[string]int64{}
	for _, in := range key {
		sign := map[string]int64{"bet_debit": 1, "win_credit": -1, "rollback_credit": -1}[in.Type]
		switch in.Break {
		case sim.MissingInWallet:
			want[in.Currency] += sign * in.Amount
		case sim.AmountMismatch:
			want[in.Currency] -= sign * in.Difference
		}
	}
	for _, k := range rev.Corrections {
		t.Logf("%s %s: GGR %d from the wallet, %d from the aggregator (%d → %d records)", k.Source, k.Currency,
			k.PreviousGGR, k.GGR, k.PreviousRecords, k.Records)
		if k.Difference != want[k.Currency] {
			t.Errorf("%s corrected by %d, the injected breaks account for %d", k.Currency, k.Difference, want[k.Currency])
		}
	}
}

// With fallback_mode: auto the cycle does not wait for anyone: the
// aggregator's failed pull falls back to the wallet at once.
func TestAutoFallback(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	down.Store(true)
	r := server.NewRig(t, testenv.RigOptions{Kinds: []string{record.KindProvider, record.KindWallet},
		ScopeYAML: testenv.DemoScopeYAML(t, "fallback_mode: manual", "fallback_mode: auto"), Feed: aggregatorDown(&down)})
	s := start(t, r, "2026-11-01", "scheduler", fast, false)
	res, err := wait(t, r, s)
	if err != nil {
		t.Fatal(err)
	}
	st := waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusCompleted)
	if len(st.Fallbacks) != 1 || st.Fallbacks[0].Mode != "auto" || st.Fallbacks[0].Actor != "settleflow" ||
		!strings.Contains(st.Fallbacks[0].Reason, "pull failed") || len(st.Actions) != 0 {
		t.Errorf("fallbacks %+v, actions %+v", st.Fallbacks, st.Actions)
	}
	if kinds := eventKinds(t, r, s.WorkflowID); count(kinds, "source.fallback:settleflow") != 1 || count(kinds, "cycle.blocked:") != 0 {
		t.Errorf("event log %v", kinds)
	}
	for _, p := range res.Pulls {
		if p.Source == "aggregator" && (p.Fallback != "wallet" || p.Progress.Inserted == 0) {
			t.Errorf("aggregator pull %+v", p)
		}
	}
}

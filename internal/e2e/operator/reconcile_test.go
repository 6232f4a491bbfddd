package operator_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/workflows"
)

// feedPage is the simulator's page as the wrappers below edit it.
type feedPage struct {
	Data       []map[string]any `json:"data"`
	NextCursor string           `json:"next_cursor,omitempty"`
	Total      *int64           `json:"total,omitempty"`
}

// rewritePages passes each transactions page through edit before the
// adapter sees it; when only is set, only requests carrying that bearer
// token are edited (and sent on with the simulator's token).
func rewritePages(only, simToken string, edit func(*feedPage)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if only != "" && r.Header.Get("Authorization") != "Bearer "+only {
				next.ServeHTTP(w, r)
				return
			}
			r.Header.Set("Authorization", "Bearer "+simToken)
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var p feedPage
			if rec.Code != http.StatusOK || !strings.HasSuffix(r.URL.Path, "/transactions") || json.Unmarshal(rec.Body.Bytes(), &p) != nil {
				w.WriteHeader(rec.Code)
				w.Write(rec.Body.Bytes())
				return
			}
			edit(&p)
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(p)
		})
	}
}

// conflictOnFirstPage makes the feed send its first transaction of the
// period a second time with another amount: a conflicting duplicate.
func conflictOnFirstPage() func(http.Handler) http.Handler {
	var once sync.Once
	return rewritePages("", "demo-token", func(p *feedPage) {
		if len(p.Data) == 0 {
			return
		}
		once.Do(func() {
			other := clone(p.Data[0])
			other["amount"] = p.Data[0]["amount"].(float64) + 7
			p.Data = append(p.Data, other)
		})
	})
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// A conflicting duplicate opens the approval gate (the demo scope sends
// open breaks there), showing both versions; an operator decides it and
// someone else approves. The resolution sits in the cycle's event log
// between the workflow's events, and the chain holds.
func TestConflictingDuplicateOpensApproval(t *testing.T) {
	t.Parallel()
	r := server.NewRig(t, testenv.RigOptions{Feed: conflictOnFirstPage(), Slices: 1})
	s := start(t, r, "2026-11-01", "alice", fast, false)
	st := waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusAwaitingApproval)
	if st.Approval == nil || !strings.Contains(strings.Join(st.Approval.Reasons, "; "), "1 conflicting duplicate is open") {
		t.Fatalf("approval = %+v", st.Approval)
	}
	ctx := context.Background()
	_, list, err := platform.ListDiscrepancies(ctx, r.Store, platform.BreakQuery{Cycle: s.WorkflowID, Status: recon.StatusOpen})
	if err != nil || len(list) != 1 || list[0].Kind != recon.ConflictingDuplicate {
		t.Fatalf("open breaks %+v (%v), want the conflicting duplicate", list, err)
	}
	var versions struct{ Kept, Other struct{ Amount int64 } }
	if err := json.Unmarshal(list[0].Versions, &versions); err != nil || versions.Other.Amount != versions.Kept.Amount+7 {
		t.Fatalf("versions %s (%v), want both, 7 apart", list[0].Versions, err)
	}
	err = platform.ResolveDiscrepancies(ctx, r.Store, []platform.Resolve{{ID: list[0].ID,
		Resolution: recon.Resolution{Action: recon.ActionAccept, Actor: "bob", Reason: "the first version is the provider's corrected one"}}})
	if err != nil {
		t.Fatal(err)
	}
	act(t, r, s.WorkflowID, lifecycle.ActionApprove, "bob", "duplicate decided, totals checked", "")
	res, err := wait(t, r, s)
	if err != nil {
		t.Fatalf("approved cycle failed: %v", err)
	}
	if rc := res.Reconciliation; rc.Total.Open != 1 || rc.GateAction != recon.GateApprove || len(rc.Gate) != 1 {
		t.Errorf("result reconciliation = %+v", rc)
	}
	kinds := eventKinds(t, r, s.WorkflowID) // verifies the chain
	if count(kinds, "discrepancy.resolved:bob") != 1 || count(kinds, "action.approve:bob") != 1 || count(kinds, "cycle.completed:") != 1 {
		t.Errorf("event log = %v", kinds)
	}
	r.SaveGolden(t, s.WorkflowID, s.RunID, "cycle-reconciled-approved-v3")
}

// A scope that blocks on open breaks: reconcile blocks; a retry while the
// break is open blocks again; once it is adjusted a retry completes the
// cycle, and the adjustment's entry keeps the books balanced.
func TestOpenBreaksBlockUntilResolved(t *testing.T) {
	t.Parallel()
	r := server.NewRig(t, testenv.RigOptions{Feed: conflictOnFirstPage(), Slices: 1,
		ScopeYAML: testenv.DemoScopeYAML(t, "action: approve", "action: block")})
	s := start(t, r, "2026-11-01", "alice", fast, false)
	st := waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusBlocked)
	if st.Blocked.Step != lifecycle.StepReconcile || st.Blocked.CanSkip || !strings.Contains(st.Blocked.Error, "conflicting duplicate") {
		t.Fatalf("blocked = %+v", st.Blocked)
	}
	act(t, r, s.WorkflowID, lifecycle.ActionRetry, "bob", "trying before deciding", "")
	again := waitEpisode(t, r, s.WorkflowID, st.Episode+1)
	if again.Blocked == nil || again.Blocked.Step != lifecycle.StepReconcile {
		t.Fatalf("retry with the break open: %s %+v", again.Status, again.Blocked)
	}
	ctx := context.Background()
	_, list, err := platform.ListDiscrepancies(ctx, r.Store, platform.BreakQuery{Cycle: s.WorkflowID, Status: recon.StatusOpen})
	if err != nil || len(list) != 1 {
		t.Fatalf("open breaks %+v (%v)", list, err)
	}
	err = platform.ResolveDiscrepancies(ctx, r.Store, []platform.Resolve{{ID: list[0].ID,
		Resolution: recon.Resolution{Action: recon.ActionAdjust, Actor: "bob", Reason: "the later version is right; book the difference"}}})
	if err != nil {
		t.Fatal(err)
	}
	act(t, r, s.WorkflowID, lifecycle.ActionRetry, "bob", "duplicate adjusted", "")
	res, err := wait(t, r, s)
	if err != nil {
		t.Fatalf("cycle failed after the break was resolved: %v", err)
	}
	if !res.Posting.Balanced || res.Reconciliation.Total.Open != 0 || res.Reconciliation.Total.Resolved != 1 {
		t.Errorf("result: posting %+v reconciliation %+v", res.Posting, res.Reconciliation)
	}
	testenv.RequireBalanced(t, context.Background(), r.Store, uuid.MustParse(res.CycleID), 1)
	r.SaveGolden(t, s.WorkflowID, s.RunID, "cycle-reconcile-blocked-v3")
}

// waitEpisode waits until the cycle is blocked again in a later wait.
func waitEpisode(t *testing.T, r *testenv.Rig, workflowID string, episode int) (st workflows.CycleStatus) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		got, err := platform.QueryCycle(testenv.Context(t, 10*time.Second), r.Client, workflowID, "")
		if err == nil && got.Episode >= episode && got.Status == lifecycle.StatusBlocked {
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never blocked again", workflowID)
	return st
}

// exportEditImport resolves every open break through the CSV round trip:
// decide picks each row's action.
func exportEditImport(t *testing.T, st *store.Store, workflowID, actor string, decide func(kind string) string) platform.ImportResult {
	t.Helper()
	ctx := context.Background()
	rows := testenv.ExportRows(t, ctx, st, workflowID)
	status, kind := slices.Index(rows[0], "status"), slices.Index(rows[0], "kind")
	for _, row := range rows[1:] {
		if row[status] == recon.StatusOpen {
			row[len(row)-2], row[len(row)-1] = decide(row[kind]), "reviewed against the partner's report"
		}
	}
	var edited bytes.Buffer
	if err := csv.NewWriter(&edited).WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	res, err := platform.ImportDiscrepancies(ctx, st, &edited, actor)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func fnvMod(id string, n uint32) uint32 {
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32() % n
}

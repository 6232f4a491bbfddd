package operator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/statement"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/internal/trend"
)

// settledBefore stores completed cycles of the demo scope for the given
// periods with the given figures, as stage 3 would have left them.
func settledBefore(t *testing.T, r *testenv.Rig, periods []string, f trend.Figures) {
	t.Helper()
	ctx := context.Background()
	sc, err := r.Catalog.Scope(testenv.DemoScope)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range periods {
		p, err := sc.Calendar.Parse(key)
		if err != nil {
			t.Fatal(err)
		}
		id := uuid.New()
		if _, err := r.Store.CreateCycle(ctx, store.Cycle{ID: id, WorkflowID: "settle/demo-casino/" + key, Scope: sc.Name,
			PeriodKey: key, PeriodStart: p.Start, PeriodEnd: p.End, Revision: 1, Status: lifecycle.StatusCompleted}); err != nil {
			t.Fatal(err)
		}
		f.CycleID, f.Period = id.String(), key
		if err := r.Store.SaveFigures(ctx, id, f, ""); err != nil {
			t.Fatal(err)
		}
	}
}

// Stage 3: against three earlier cycles of 100 records each, this cycle's
// volume is an anomaly. It is recorded with its numbers (table and event
// log), opens the approval gate with a readable reason and rejects
// nothing; the summary names it, and the statement's cover is the summary.
func TestAnomalyOpensApprovalGate(t *testing.T) {
	t.Parallel()
	r := server.NewRig(t, testenv.RigOptions{ScopeYAML: testenv.DemoScopeYAML(t, "new_agreement_version: true", "new_agreement_version: false")})
	settledBefore(t, r, []string{"2026-11-01", "2026-11-02", "2026-11-03"}, trend.Figures{Records: 100, GGR: map[string]int64{"KRW": 5000}})
	s := start(t, r, "2026-11-04", "scheduler", fast, false)
	st := waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusAwaitingApproval)

	ctx := context.Background()
	c, err := r.Store.LatestCycleOfWorkflow(ctx, s.WorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := r.Store.Counts(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	records := counts.Staged + counts.FormatRejects + counts.Conflicts
	anomalies, err := r.Store.Anomalies(ctx, c.ID)
	if err != nil || len(anomalies) == 0 {
		t.Fatalf("anomalies %+v, %v", anomalies, err)
	}
	volume := anomalies[0]
	if volume.Metric != trend.MetricVolume || volume.Value != records || volume.Baseline != 100 ||
		volume.ChangeBP != (records-100)*100 || volume.ThresholdBP != 5000 || volume.Cycles != 3 {
		t.Errorf("volume anomaly %+v, want %d records against 100", volume, records)
	}
	reason := "stage-3 anomaly: " + volume.Description
	if st.Approval == nil || !contains(fmt.Errorf("%s", strings.Join(st.Approval.Reasons, "; ")), reason) {
		t.Errorf("approval reasons %+v, want %q", st.Approval, reason)
	}
	if counts.Rejected != 0 || counts.Accepted != counts.Staged {
		t.Errorf("stage 3 rejected records: %+v", counts)
	}
	logged := anomalyEvents(t, r, c.ID)
	if len(logged) != len(anomalies) || logged[0]["metric"] != trend.MetricVolume || logged[0]["value"] != float64(records) ||
		logged[0]["description"] != volume.Description {
		t.Errorf("logged anomalies %v, stored %+v", logged, anomalies)
	}

	act(t, r, s.WorkflowID, lifecycle.ActionApprove, "ops", "volume grew with the new provider games", "")
	res, err := wait(t, r, s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Summary, "Flagged for approval: "+volume.Description) ||
		!strings.Contains(res.Summary, "over the trailing 3-cycle mean") {
		t.Errorf("summary %q", res.Summary)
	}
	stmts, err := r.Store.Statements(ctx, c.ID)
	if err != nil || len(stmts) != 1 {
		t.Fatalf("statements %+v, %v", stmts, err)
	}
	var published statement.Statement
	if err := json.Unmarshal(stmts[0].JSON, &published); err != nil || published.Cover != res.Summary {
		t.Errorf("statement cover %q (%v), want the summary", published.Cover, err)
	}
	r.SaveGolden(t, s.WorkflowID, s.RunID, "cycle-anomaly-approved-v3")
}

// anomalyEvents returns the payloads of the cycle's anomaly events.
func anomalyEvents(t *testing.T, r *testenv.Rig, cycleID uuid.UUID) []map[string]any {
	t.Helper()
	events, err := r.Store.Events(context.Background(), cycleID)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, e := range events {
		if e.Kind != lifecycle.EventAnomalyFound {
			continue
		}
		var p map[string]any
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

package activities_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/statement"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/internal/trend"
)

// Stage 3 from stored data: after three settled days of one 1000 KRW bet
// each, a day of four is an anomaly in volume and in GGR. The figures,
// summary and anomalies are stored, the approval gate opens for each with
// its numbers, nothing is rejected, and the statement's cover is the
// summary.
func TestCheckHistoryFlagsAndOpensTheGate(t *testing.T) {
	ctx := context.Background()
	st, _ := testenv.Database(t)
	a := &activities.Activities{Store: st, Catalog: testenv.Catalog(t,
		testenv.DemoScopeYAML(t, "new_agreement_version: true", "new_agreement_version: false"))}
	day := func(n int) time.Time { return time.Date(2026, 10, 30+n, 16, 0, 0, 0, time.UTC) } // 01:00 of gaming day 2026-11-0n in Seoul
	for n := 1; n <= 3; n++ {
		id, _ := open(t, a, fmt.Sprintf("2026-11-0%d", n))
		stageAll(t, st, id, txn(fmt.Sprintf("bet-%d", n), "bet", "", 1000, day(n)))
		if _, err := a.Validate(ctx, activities.CycleRef{CycleID: id}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.CheckHistory(ctx, activities.CycleRef{CycleID: id}); err != nil {
			t.Fatal(err)
		}
		settleCycle(t, st, id)
	}
	cur, _ := open(t, a, "2026-11-04")
	ref := activities.CycleRef{CycleID: cur}
	stageAll(t, st, cur, txn("bet-a", "bet", "", 1000, day(4)), txn("bet-b", "bet", "", 1000, day(4)),
		txn("bet-c", "bet", "", 1000, day(4)), txn("bet-d", "bet", "", 1000, day(4)))
	validated, err := a.Validate(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.CheckHistory(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if validated.Accepted != 4 || len(res.Anomalies) != 2 || res.Anomalies[0].Metric != trend.MetricVolume ||
		res.Anomalies[0].Value != 4 || res.Anomalies[0].Baseline != 1 || res.Anomalies[0].ChangeBP != 30000 ||
		res.Anomalies[1].Metric != trend.MetricGGR || res.Anomalies[1].Value != 4000 || res.Anomalies[1].Baseline != 1000 {
		t.Fatalf("accepted %d, anomalies %+v", validated.Accepted, res.Anomalies)
	}
	if !strings.HasPrefix(res.Summary, "GGR in KRW rose 300% over the trailing 3-cycle mean to 4000 KRW. 4 records received, none rejected.") {
		t.Errorf("summary %q", res.Summary)
	}
	check, err := a.CheckApproval(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(check.Reasons, "\n")
	for _, want := range []string{
		"stage-3 anomaly: volume of 4 records is 300% above the trailing 3-cycle mean of 1 (threshold 50%)",
		"stage-3 anomaly: GGR in KRW of 4000 KRW is 300% above the trailing 3-cycle mean of 1000 KRW (threshold 60%)",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("reasons lack %q:\n%s", want, all)
		}
	}
	if !check.Needed || len(check.Reasons) != 2 {
		t.Errorf("check %+v", check)
	}

	if _, err := a.Split(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Publish(ctx, ref); err != nil {
		t.Fatal(err)
	}
	stmts, err := st.Statements(ctx, cur)
	if err != nil || len(stmts) != 1 {
		t.Fatalf("statements %+v %v", stmts, err)
	}
	var s statement.Statement
	if err := json.Unmarshal(stmts[0].JSON, &s); err != nil || s.Cover != res.Summary {
		t.Errorf("cover %q (%v), want the summary", s.Cover, err)
	}
}

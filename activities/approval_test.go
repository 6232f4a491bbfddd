package activities_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/settle"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

const twoVersions = `partner: acme-games
name: Acme Games Ltd.
kind: provider_fee
versions:
  - version: 1
    effective_from: 2026-01-01
    fee_percent: "12.5"
    rounding: half_even
    negative_ggr: zero
  - version: 2
    effective_from: 2026-12-01
    fee_percent: "11"
    rounding: half_even
    negative_ggr: zero
`

func open(t *testing.T, a *activities.Activities, period string) (uuid.UUID, activities.OpenResult) {
	t.Helper()
	in, err := platform.CycleInput(a.Catalog, testenv.DemoScope, period, "alice")
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	res, err := a.Open(context.Background(), activities.OpenInput{CycleID: id, WorkflowID: "settle/demo-casino/" + period,
		Scope: in.Scope, PeriodKey: in.PeriodKey, PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd, Revision: 1, StartedBy: "alice",
		Forced: "the test settles days around an agreement change, some still to come"})
	if err != nil {
		t.Fatal(err)
	}
	return id, res
}

// The gate's rules, against stored data: amounts and rejects above the
// scope's thresholds and an agreement version new since the previous
// cycle each open it, with a reason an operator can read. Agreement
// versions change on business dates of the scope's calendar.
func TestCheckApprovalReasons(t *testing.T) {
	ctx := context.Background()
	st, _ := testenv.Database(t)
	cat := testenv.CatalogWith(t, map[string]string{
		"agreements/acme-games.yaml": twoVersions,
		"scopes/demo-casino.yaml": testenv.DemoScopeYAML(t,
			"{KRW: 50000000, USD: 5000000}", "{KRW: 100000, USD: 5000000}", "rejects_above: 100", "rejects_above: 0"),
	})
	a := &activities.Activities{Store: st, Catalog: cat}

	before, res := open(t, a, "2026-11-30")
	if res.Agreements[0].Version != 1 {
		t.Fatalf("2026-11-30 settles under version %d, want 1", res.Agreements[0].Version)
	}
	check, err := a.CheckApproval(ctx, activities.CycleRef{CycleID: before})
	if err != nil || check.Needed {
		t.Fatalf("a first, clean cycle needs approval: %+v %v", check, err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE cycles SET status = 'completed' WHERE id = $1`, before); err != nil {
		t.Fatal(err)
	}

	// The gaming day named 1 December starts at 15:00 UTC on 30 November in
	// Seoul; version 2 applies to all of it.
	after, res := open(t, a, "2026-12-01")
	if res.Agreements[0].Version != 2 {
		t.Fatalf("2026-12-01 settles under version %d, want 2", res.Agreements[0].Version)
	}
	err = st.SaveSettlementLines(ctx, after, []settle.Share{
		{Partner: "acme-games", Currency: "KRW", GGR: 2_000_000, PartnerAmount: 220_000, OperatorAmount: 1_780_000, AgreementVersion: 2, Explanation: "x"},
		{Partner: "acme-games", Currency: "USD", GGR: 1000, PartnerAmount: 110, OperatorAmount: 890, AgreementVersion: 2, Explanation: "x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	page := &store.StagedPage{Rejects: []record.Reject{
		{ExternalID: "t-1", Reason: "FORMAT_BAD_TYPE", Detail: "type bonus", Raw: []byte(`{"transaction_id":"t-1"}`)}}}
	_, err = st.StageBatch(ctx, store.Batch{CycleID: after, Scope: testenv.DemoScope, Source: "aggregator"},
		func() (*store.StagedPage, error) { p := page; page = nil; return p, nil })
	if err != nil {
		t.Fatal(err)
	}
	check, err = a.CheckApproval(ctx, activities.CycleRef{CycleID: after})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(check.Reasons, "\n")
	for _, want := range []string{"acme-games is owed 220000 KRW, above the 100000 KRW threshold",
		"1 records were rejected", "agreement version 2, new since cycle 2026-11-30"} {
		if !strings.Contains(all, want) {
			t.Errorf("reasons lack %q:\n%s", want, all)
		}
	}
	if !check.Needed || len(check.Reasons) != 3 || strings.Contains(all, "USD") {
		t.Errorf("check = %+v", check)
	}
}

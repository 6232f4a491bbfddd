package operator_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/testenv"
)

// A completed period is settled again only as an explicit revision, which
// reverses the earlier posting and supersedes its statement; both stay on
// record and the books still balance.
func TestRevisionReversesAndSupersedes(t *testing.T) {
	t.Parallel()
	r := server.NewRig(t, testenv.RigOptions{})
	ctx := context.Background()
	first := start(t, r, "2026-11-02", "scheduler", fast, false)
	res1, err := wait(t, r, first)
	if err != nil {
		t.Fatal(err)
	}
	r.SaveGolden(t, first.WorkflowID, first.RunID, "cycle-completed-v2")
	if again := start(t, r, "2026-11-02", "scheduler", fast, false); !again.Existing {
		t.Fatal("a settled period was started again without --revise")
	}

	second := start(t, r, "2026-11-02", "ops", fast, true)
	if second.Existing {
		t.Fatalf("revision not started: %+v", second)
	}
	res2, err := wait(t, r, second)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Revision != 2 || res1.Revision != 1 {
		t.Fatalf("revisions %d then %d, want 1 then 2", res1.Revision, res2.Revision)
	}
	firstRow, err := r.Store.Cycle(ctx, uuid.MustParse(res1.CycleID))
	if err != nil {
		t.Fatal(err)
	}
	cycles, err := r.Store.CyclesForPeriod(ctx, testenv.DemoScope, firstRow.PeriodStart)
	if err != nil {
		t.Fatal(err)
	}
	if len(cycles) != 2 || cycles[0].Status != lifecycle.StatusCompleted || cycles[1].Status != "superseded" ||
		cycles[0].Supersedes == nil || *cycles[0].Supersedes != cycles[1].ID {
		t.Fatalf("cycles of the period: %+v", cycles)
	}
	old, err := r.Store.Statements(ctx, cycles[1].ID)
	if err != nil || len(old) != 1 || old[0].Status != "superseded" {
		t.Fatalf("first revision's statements: %+v (%v)", old, err)
	}
	current, err := r.Store.Statements(ctx, cycles[0].ID)
	if err != nil || len(current) != 1 || current[0].Status != "published" {
		t.Fatalf("second revision's statements: %+v (%v)", current, err)
	}

	var lines []ledger.Line
	for _, c := range cycles {
		l, err := r.Store.CycleLines(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l...)
	}
	for cur, sum := range ledger.Balance(lines) {
		if sum != 0 {
			t.Errorf("books unbalanced in %s by %d", cur, sum)
		}
	}
	// Net of both revisions, each account holds exactly one settlement.
	payable := map[string]int64{}
	for _, l := range lines {
		if l.Account == ledger.PartnerPayable("acme-games") {
			payable[l.Currency] += l.Amount
		}
	}
	for _, s := range res2.Shares {
		if payable[s.Currency] != -s.PartnerAmount {
			t.Errorf("%s payable nets to %d, want %d", s.Currency, payable[s.Currency], -s.PartnerAmount)
		}
	}
	entries, err := r.Store.CycleEntryCount(ctx, cycles[0].ID)
	if err != nil || entries["settlement"] != 1 || entries["reversal"] != 1 {
		t.Errorf("revision's journal entries %v (%v), want one settlement and one reversal", entries, err)
	}
}

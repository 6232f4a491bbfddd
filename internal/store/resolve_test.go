package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// smallGamesCycle reconciles a small games cycle and returns its breaks by key.
func smallGamesCycle(t *testing.T, ctx context.Context, st *store.Store) (store.Cycle, map[string]store.Discrepancy) {
	t.Helper()
	c := newStagedCycle(t, ctx, st)
	at := periodStart.Add(time.Hour)
	stage(t, ctx, st, c, "agg", store.StagedPage{Records: []record.Record{
		canonical(record.KindProvider, "t-1", "", "p", "bet", 1000, "KRW", at),
		canonical(record.KindProvider, "t-2", "", "p", "bet", 2000, "KRW", at),
		canonical(record.KindProvider, "t-3", "", "p", "bet", 3000, "KRW", at),
		canonical(record.KindProvider, "t-4", "", "p", "win", 400, "KRW", at)}})
	stage(t, ctx, st, c, "wallet", store.StagedPage{Records: []record.Record{
		canonical(record.KindWallet, "w-2", "t-2", "p", "bet_debit", 1800, "KRW", at),
		canonical(record.KindWallet, "w-3", "t-3", "p", "bet_debit", 3000, "USD", at),
		canonical(record.KindWallet, "w-4", "t-4", "p", "win_credit", 400, "KRW", at)}})
	reconcile(t, ctx, st, c, recon.Config{ReportingCurrency: "USD", Gate: recon.Gate{Action: recon.GateApprove}, Pairs: gamesPairs(t)[:1]})
	out := map[string]store.Discrepancy{}
	for _, d := range breaksOf(t, ctx, st, c) {
		out[d.Key] = d
	}
	return c, out
}

func resolution(d store.Discrepancy, action, reason string) store.Resolution {
	return store.Resolution{ID: d.ID, Resolution: recon.Resolution{Action: action, Actor: "bob", Reason: reason}}
}

func adjustment(t *testing.T, d store.Discrepancy, reason string) store.Resolution {
	t.Helper()
	e, err := ledger.AdjustmentEntry(recon.AdjustmentEntryID(d.ID), d.CycleID, "adjust "+d.Key, d.Currency, *d.Difference, d.OtherSource())
	if err != nil {
		t.Fatal(err)
	}
	r := resolution(d, recon.ActionAdjust, reason)
	r.Entry = &e
	return r
}

// Resolutions move breaks, post an adjustment's balanced entry once, and
// join the cycle's event log between the workflow's own events without
// breaking its chain or its numbering.
func TestResolveDiscrepancies(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c, breaks := smallGamesCycle(t, ctx, st)
	for _, k := range []string{"t-1", "t-2", "t-3"} {
		if breaks[k].Status != recon.StatusOpen {
			t.Fatalf("%s: %+v", k, breaks[k])
		}
	}
	fig, err := st.DiscrepancyFigures(ctx, c.ID)
	if err != nil || fig.Found != 3 || fig.Open != 3 || fig.ByType[recon.MissingRight] != 1 || fig.OpenAmount["KRW"] != 1000+200+3000 ||
		fig.Largest == nil || fig.Largest.Type != recon.MissingRight || fig.Largest.Amount != 1000 {
		t.Fatalf("figures %+v %+v (%v)", fig, fig.Largest, err)
	}
	workflow := func(seq int, kind string) {
		t.Helper()
		if err := st.AppendEvent(ctx, store.Event{CycleID: c.ID, Seq: seq, Kind: kind, Step: "reconcile"}, store.Projection{}); err != nil {
			t.Fatalf("workflow event %d: %v", seq, err)
		}
	}
	workflow(1, "cycle.opened")
	workflow(2, "step.started")

	batch := []store.Resolution{
		resolution(breaks["t-1"], recon.ActionCarry, "wallet books it tomorrow"),
		adjustment(t, breaks["t-2"], "wallet short by 200; provider is right"),
		resolution(breaks["t-3"], recon.ActionAccept, "currency mapped by hand"),
	}
	if err := st.ResolveDiscrepancies(ctx, batch); err != nil {
		t.Fatal(err)
	}
	// The same commands again (a timeout, a re-imported file) change nothing.
	if err := st.ResolveDiscrepancies(ctx, batch); err != nil {
		t.Fatalf("repeating the resolutions: %v", err)
	}
	workflow(2, "step.started") // the workflow retries an append it made
	workflow(3, "step.completed")

	events, err := st.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind+":"+e.Actor)
	}
	want := "[cycle.opened: step.started: discrepancy.resolved:bob discrepancy.resolved:bob discrepancy.resolved:bob step.completed:]"
	if got := fmt.Sprint(kinds); got != want {
		t.Fatalf("log = %s\nwant %s", got, want)
	}
	if err := st.VerifyEvents(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	var p struct{ Action, Reason string }
	if err := json.Unmarshal(events[3].Payload, &p); err != nil || p.Action != recon.ActionAdjust || p.Reason != "wallet short by 200; provider is right" {
		t.Errorf("event payload %s", events[3].Payload)
	}

	after := map[string]store.Discrepancy{}
	for _, d := range breaksOf(t, ctx, st, c) {
		after[d.Key] = d
	}
	for key, status := range map[string]string{"t-1": recon.StatusCarried, "t-2": recon.StatusAdjusted, "t-3": recon.StatusAccepted} {
		if d := after[key]; d.Status != status || d.ResolvedBy != "bob" || d.ResolvedAt == nil {
			t.Errorf("%s: %+v, want %s by bob", key, d, status)
		}
	}
	if fig, err := st.DiscrepancyFigures(ctx, c.ID); err != nil || fig.Found != 3 || fig.Open != 0 || fig.Largest != nil {
		t.Errorf("figures once resolved: %+v (%v)", fig, err)
	}
	entries, err := st.EntriesOfKind(ctx, c.ID, ledger.KindAdjustment)
	if err != nil || len(entries) != 1 || after["t-2"].JournalEntry == nil || *after["t-2"].JournalEntry != entries[0] {
		t.Fatalf("adjustment entries %v (%v), break points at %v", entries, err, after["t-2"].JournalEntry)
	}
	e, err := st.Entry(ctx, entries[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Lines) != 2 || e.Lines[0].Account != ledger.SourceClearing("wallet") || e.Lines[0].Amount != 200 || ledger.Balance(e.Lines)["KRW"] != 0 {
		t.Errorf("adjustment entry = %+v", e)
	}
}

// A batch is all or nothing; a break resolved otherwise, or of an undone
// cycle, is refused.
func TestResolveRefusals(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c, breaks := smallGamesCycle(t, ctx, st)
	if err := st.ResolveDiscrepancies(ctx, []store.Resolution{resolution(breaks["t-1"], recon.ActionAccept, "fine")}); err != nil {
		t.Fatal(err)
	}
	batch := []store.Resolution{resolution(breaks["t-2"], recon.ActionAccept, "fine"), resolution(breaks["t-1"], recon.ActionCarry, "later")}
	if err := st.ResolveDiscrepancies(ctx, batch); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("carrying an accepted break: %v, want a conflict", err)
	}
	if d, _ := st.Discrepancy(ctx, breaks["t-2"].ID); d.Status != recon.StatusOpen {
		t.Errorf("half a refused batch was applied: t-2 is %s", d.Status)
	}
	if err := st.AppendEvent(ctx, store.Event{CycleID: c.ID, Seq: 1, Kind: "cycle.compensated"},
		store.Projection{Status: lifecycle.StatusCompensated}); err != nil {
		t.Fatal(err)
	}
	err := st.ResolveDiscrepancies(ctx, []store.Resolution{resolution(breaks["t-2"], recon.ActionAccept, "fine")})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("resolving a break of an undone cycle: %v, want refused", err)
	}
}

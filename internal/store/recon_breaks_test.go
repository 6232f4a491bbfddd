package store_test

import (
	"context"
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

var noPairs = recon.Config{ReportingCurrency: "USD", Gate: recon.Gate{Action: recon.GateApprove}}

func breaksOf(t *testing.T, ctx context.Context, st *store.Store, c store.Cycle) []store.Discrepancy {
	t.Helper()
	list, err := st.Discrepancies(ctx, store.BreakFilter{CycleID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// A conflicting duplicate becomes a break that shows both versions and
// holds the cycle whatever the thresholds.
func TestConflictingDuplicateBecomesABreak(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newStagedCycle(t, ctx, st)
	stage(t, ctx, st, c, "agg", store.StagedPage{Records: []record.Record{bet("t-1", 1000), bet("t-2", 2000)}},
		store.StagedPage{Number: 1, Records: []record.Record{bet("t-1", 1500)}})
	if _, err := st.FinishSource(ctx, c.ID, "agg"); err != nil {
		t.Fatal(err)
	}
	reconcile(t, ctx, st, c, noPairs)
	list := breaksOf(t, ctx, st, c)
	if len(list) != 1 {
		t.Fatalf("breaks = %+v", list)
	}
	d := list[0]
	var versions struct{ Kept, Other struct{ Amount int64 } }
	if err := json.Unmarshal(d.Versions, &versions); err != nil {
		t.Fatal(err)
	}
	if d.Kind != recon.ConflictingDuplicate || d.Status != recon.StatusOpen || d.Key != "t-1" || d.Pair != "" ||
		*d.Difference != -500 || d.AtStake != 500 || versions.Kept.Amount != 1000 || versions.Other.Amount != 1500 ||
		!slices.Equal(d.Left.IDs, []string{"t-1"}) || !strings.HasPrefix(d.Right.IDs[0], "t-1@") {
		t.Fatalf("break = %+v, versions %+v", d, versions)
	}
	open, err := st.OpenBreaks(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if open.Conflicts != 1 || len(noPairs.Gate.Reasons(open)) != 1 {
		t.Errorf("open = %+v; reasons %v", open, noPairs.Gate.Reasons(open))
	}
}

// Control totals are compared per source, UTC day of booking, currency
// and type; every group that differs is one break naming it.
func TestControlTotalsFindMissingRecords(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newStagedCycle(t, ctx, st)
	day1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	at := day1.Add(3 * time.Hour)
	booked := record.Attr{Key: "booked_at", Value: day1.Add(30 * time.Hour).Format(time.RFC3339)}
	psp := []record.Record{
		canonical(record.KindPSP, "d-1", "r-1", "p", "deposit", 1000, "KRW", at),
		canonical(record.KindPSP, "d-2", "r-2", "p", "deposit", 2000, "KRW", at),
		canonical(record.KindPSP, "d-3", "r-3", "p", "deposit", 500, "KRW", at, booked), // booked the next day
		canonical(record.KindPSP, "w-1", "r-4", "p", "withdrawal", 700, "USD", at),
		canonical(record.KindPSP, "c-1", "r-5", "p", "chargeback", 90, "KRW", at), // the summary leaves it out
	}
	stage(t, ctx, st, c, "psp", store.StagedPage{Records: psp})
	stage(t, ctx, st, c, "wallet", store.StagedPage{Records: []record.Record{canonical(record.KindWallet, "x", "", "p", "deposit", 1, "KRW", at)}})
	for _, row := range []struct {
		day, cur, typ string
		n, amount     int64
	}{
		{"2026-11-01", "KRW", "deposit", 2, 3000},   // agrees (d-3 was booked on the 2nd)
		{"2026-11-02", "KRW", "deposit", 2, 1500},   // one record missing
		{"2026-11-01", "USD", "withdrawal", 1, 750}, // amount differs
		{"2026-11-01", "EUR", "deposit", 3, 30},     // nothing staged
	} {
		if _, err := st.Pool.Exec(ctx, `INSERT INTO control_totals VALUES ($1, 'psp', $2, $3, $4, $5, $6)`,
			c.ID, row.day, row.cur, row.typ, row.n, row.amount); err != nil {
			t.Fatal(err)
		}
	}
	reconcile(t, ctx, st, c, noPairs)
	got := map[string]string{}
	for _, d := range breaksOf(t, ctx, st, c) {
		if d.Kind != recon.MissingRecords || d.Left.Source != "psp" {
			t.Errorf("unexpected break %+v", d)
		}
		got[d.Key] = d.Detail
		if d.ID != recon.DiscrepancyID(c.ID, "", recon.MissingRecords, "psp/"+d.Key) {
			t.Errorf("%s: id %s is not the name-based UUID of its identity", d.Key, d.ID)
		}
	}
	want := map[string]string{
		"2026-11-02/KRW/deposit":    "1 records missing",
		"2026-11-01/USD/withdrawal": "as many records, another sum",
		"2026-11-01/EUR/deposit":    "3 records missing",
		"2026-11-01/KRW/chargeback": "1 records more than reported",
	}
	requireBreaks(t, got, want, strings.Contains)
}

// A carried break joins the next period's reconciliation: when its
// counterpart arrives there it is completed (auto-resolved when the two
// agree, a mismatch otherwise), and the new record is accounted in it.
func TestCarriedBreaksMeetLateCounterparts(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	scope := "s-" + uuid.NewString()[:8]
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	pair := gamesPairs(t)[0]
	cfg := recon.Config{ReportingCurrency: "USD", Gate: recon.Gate{Action: recon.GateApprove}, Pairs: []recon.Pair{pair}}
	at := day.Add(time.Hour)
	first := cycleOf(t, ctx, st, scope, day, "running")
	stage(t, ctx, st, first, "agg", store.StagedPage{Records: []record.Record{
		canonical(record.KindProvider, "t-1", "", "p", "bet", 1000, "KRW", at),
		canonical(record.KindProvider, "t-3", "", "p", "bet", 3000, "KRW", at)}})
	stage(t, ctx, st, first, "wallet", store.StagedPage{Records: []record.Record{
		canonical(record.KindWallet, "w-2", "t-2", "p", "bet_debit", 2000, "KRW", at)}})
	reconcile(t, ctx, st, first, cfg)
	var carry []store.Resolution
	for _, d := range breaksOf(t, ctx, st, first) {
		carry = append(carry, store.Resolution{ID: d.ID, Resolution: recon.Resolution{Action: recon.ActionCarry, Actor: "ops", Reason: "books tomorrow"}})
	}
	if len(carry) != 3 {
		t.Fatalf("first cycle has %d breaks, want 3", len(carry))
	}
	if err := st.ResolveDiscrepancies(ctx, carry); err != nil {
		t.Fatal(err)
	}

	next := cycleOf(t, ctx, st, scope, day.Add(24*time.Hour), "running")
	later := at.Add(24 * time.Hour)
	stage(t, ctx, st, next, "agg", store.StagedPage{Records: []record.Record{
		canonical(record.KindProvider, "t-2", "", "p", "bet", 2500, "KRW", later)}})
	stage(t, ctx, st, next, "wallet", store.StagedPage{Records: []record.Record{
		canonical(record.KindWallet, "w-1", "t-1", "p", "bet_debit", 1000, "KRW", later)}})
	if run := reconcile(t, ctx, st, next, cfg); run.CarriedIn != 3 {
		t.Fatalf("carried in %d, want 3", run.CarriedIn)
	}
	got := map[string]string{}
	for _, d := range breaksOf(t, ctx, st, next) {
		if d.CarriedFrom == nil {
			t.Errorf("a break of its own remains: %+v", d)
			continue
		}
		if d.ID != recon.CarriedID(next.ID, *d.CarriedFrom) {
			t.Errorf("carried break %s: id is not derived from the cycle and the break it carries", d.ID)
		}
		got[d.Key] = d.Kind + " " + d.Status + " " + strings.Join(d.Left.IDs, ",") + "|" + strings.Join(d.Right.IDs, ",")
	}
	want := map[string]string{
		"t-1": "MISSING_RIGHT auto_resolved |w-1",
		"t-2": "AMOUNT_MISMATCH open t-2|",
		"t-3": "MISSING_RIGHT open |",
	}
	requireBreaks(t, got, want, func(g, w string) bool { return g == w })
	testenv.RequireAccounted(t, ctx, st, next.ID, pair)
	// Taken in once: a third period finds nothing left to carry.
	third := cycleOf(t, ctx, st, scope, day.Add(48*time.Hour), "running")
	if run := reconcile(t, ctx, st, third, cfg); run.CarriedIn != 0 {
		t.Errorf("a third cycle carried in %d breaks again", run.CarriedIn)
	}
}

// Every break is valued as recon.Value values it and ranked as recon.Before
// orders it; a currency no rate reaches stays unvalued and comes first.
func TestValueAndRankAgreeWithGo(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newStagedCycle(t, ctx, st)
	stageGames(t, ctx, st, c, rand.New(rand.NewPCG(21, 34)), 600,
		canonical(record.KindProvider, "odd", "", "p", "bet", 77, "XXX", periodStart.Add(time.Hour)))
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	q, err := recon.ParseQuote("q", day.Format(time.DateOnly), "USD", "KRW", "1385.25")
	if err != nil {
		t.Fatal(err)
	}
	cfg := recon.Config{ReportingCurrency: "USD", Gate: recon.Gate{Action: recon.GateApprove}, Pairs: gamesPairs(t)[:1],
		Rates: map[string]*big.Rat{"KRW": ratOf(t, "1400")}}
	rates := cfg.RateTable([]recon.Quote{q})
	if _, err := st.Reconcile(ctx, store.ReconcileParams{CycleID: c.ID, Scope: c.Scope, PeriodStart: c.PeriodStart, Config: cfg, Rates: rates}); err != nil {
		t.Fatal(err)
	}
	list := breaksOf(t, ctx, st, c)
	var ranked []recon.Ranked
	unvalued := 0
	for _, d := range list {
		v, ok, err := recon.Value(rates, d.Currency, d.Day, d.AtStake)
		if err != nil {
			t.Fatal(err)
		}
		if ok != (d.ReportingAmount != nil) || ok && v != *d.ReportingAmount {
			t.Errorf("%s %d %s on %s valued %v, want %d (%v)", d.Kind, d.AtStake, d.Currency, d.Day.Format(time.DateOnly), d.ReportingAmount, v, ok)
		}
		if !ok {
			unvalued++
		}
		ranked = append(ranked, recon.Ranked{ID: d.ID, Pair: d.Pair, Kind: d.Kind, Key: d.Key, Reporting: v, Valued: ok})
	}
	if unvalued != 1 || list[0].Key != "odd" {
		t.Errorf("%d unvalued breaks, first %q; want the XXX one alone and first", unvalued, list[0].Key)
	}
	for i := range ranked {
		if list[i].Priority != i+1 {
			t.Fatalf("priority %d at position %d", list[i].Priority, i+1)
		}
		if i > 0 && !recon.Before(ranked[i-1], ranked[i]) {
			t.Errorf("priority %d (%+v) does not come before %d (%+v)", i, ranked[i-1], i+1, ranked[i])
		}
	}
}

func ratOf(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("rate %q", s)
	}
	return r
}

// requireBreaks checks the breaks by key are those wanted, each as match
// says.
func requireBreaks(t *testing.T, got, want map[string]string, match func(got, want string) bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("breaks %v, want %v", got, want)
	}
	for k, w := range want {
		if !match(got[k], w) {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
}

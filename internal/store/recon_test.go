package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/money"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

func canonical(kind, id, ref, player, typ string, amount int64, cur string, at time.Time, attrs ...record.Attr) record.Record {
	r := record.Record{Kind: kind, ExternalID: id, ReferenceID: ref, Player: player, Type: typ, Amount: amount,
		Currency: cur, OccurredAt: at, Attrs: attrs}
	record.SortAttrs(r.Attrs)
	r.Hash = record.ComputeHash(&r)
	return r
}

func percent(t testing.TB, s string) money.Ratio {
	t.Helper()
	r, err := money.ParsePercent(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// gamesWorld is a provider feed and the wallet mirroring it, with every
// break a 1:1 pair can show injected at random: missing on either side,
// amounts off a little and a lot, wrong currency, wrong type, late, a
// second wallet entry for one transaction, a wallet entry without its
// reference, and wallet entries the pair does not select.
func gamesWorld(rng *rand.Rand, n int) (provider, wallet []record.Record) {
	types := [][2]string{{"bet", "bet_debit"}, {"win", "win_credit"}, {"rollback", "rollback_credit"}}
	for i := range n {
		tm := types[rng.IntN(3)]
		cur := []string{"KRW", "USD"}[rng.IntN(2)]
		amount := 1 + rng.Int64N(100000)
		at := periodStart.Add(time.Duration(rng.IntN(23*3600)) * time.Second)
		player := fmt.Sprintf("p-%d", rng.IntN(10))
		pid, wid := fmt.Sprintf("t-%05d", i), fmt.Sprintf("w-%05d", i)
		p := canonical(record.KindProvider, pid, "", player, tm[0], amount, cur, at)
		wType, wAmount, wCur, wAt, wRef := tm[1], amount, cur, at.Add(time.Duration(rng.IntN(60))*time.Second), pid
		switch s := rng.IntN(100); {
		case s < 5:
			wallet = append(wallet, canonical(record.KindWallet, wid, wRef, player, wType, wAmount, wCur, wAt))
			continue // missing on the provider
		case s < 10:
			provider = append(provider, p)
			continue // missing in the wallet
		case s < 14:
			wAmount -= 1 + rng.Int64N(10)
		case s < 18:
			wAmount += 1000 + rng.Int64N(100000)
		case s < 21:
			wCur = map[string]string{"KRW": "USD", "USD": "KRW"}[cur]
		case s < 24:
			wType = types[(rng.IntN(2)+1+indexOf(types, tm))%3][1]
		case s < 27:
			wAt = at.Add(time.Duration(6+rng.IntN(60)) * time.Minute)
		case s < 30:
			wallet = append(wallet, canonical(record.KindWallet, wid+"-b", pid, player, wType, wAmount, wCur, at.Add(time.Duration(rng.IntN(120)-60)*time.Second)))
		case s < 32:
			wRef = ""
		case s < 34:
			wallet = append(wallet, canonical(record.KindWallet, wid+"-x", "bonus-1", player, "bonus_credit", 5, cur, at))
		}
		provider = append(provider, p)
		wallet = append(wallet, canonical(record.KindWallet, wid, wRef, player, wType, wAmount, wCur, wAt))
	}
	return provider, wallet
}

// stageGames stages a gamesWorld of n transactions, and extra provider
// records, as sources "agg" and "wallet".
func stageGames(t *testing.T, ctx context.Context, st *store.Store, c store.Cycle, rng *rand.Rand, n int, extra ...record.Record) (provider, wallet []record.Record) {
	t.Helper()
	provider, wallet = gamesWorld(rng, n)
	provider = append(provider, extra...)
	stage(t, ctx, st, c, "agg", store.StagedPage{Records: provider})
	stage(t, ctx, st, c, "wallet", store.StagedPage{Records: wallet})
	return provider, wallet
}

func indexOf(types [][2]string, tm [2]string) int {
	for i, x := range types {
		if x == tm {
			return i
		}
	}
	return -1
}

func gamesPairs(t testing.TB) []recon.Pair {
	types := []recon.TypeMap{{Left: "bet", Right: "bet_debit"}, {Left: "win", Right: "win_credit"}, {Left: "rollback", Right: "rollback_credit"}}
	strict := recon.Pair{Name: "games", Left: recon.Side{Source: "agg", Key: recon.KeyExternalID},
		Right: recon.Side{Source: "wallet", Key: recon.KeyReferenceID}, Shape: recon.OneToOne, Types: types,
		Compare:       recon.Fields{Amount: true, Currency: true, Type: true, Time: true},
		Tolerance:     recon.Tolerance{Absolute: map[string]int64{"KRW": 5}, Percent: percent(t, "0.01"), Window: 5 * time.Minute},
		Authoritative: recon.Left, Require: []string{recon.Left, recon.Right}}
	loose := strict
	loose.Name, loose.Authoritative, loose.Require = "games-loose", recon.Right, []string{recon.Left}
	loose.Compare = recon.Fields{Amount: true, Currency: true}
	loose.Tolerance = recon.Tolerance{Percent: percent(t, "5")}
	byPlayer := strict
	byPlayer.Name = "by-player"
	byPlayer.Left.Key, byPlayer.Right.Key = recon.KeyPlayer, recon.KeyPlayer
	return []recon.Pair{strict, loose, byPlayer}
}

func reconcile(t *testing.T, ctx context.Context, st *store.Store, c store.Cycle, cfg recon.Config) store.ReconcileRun {
	t.Helper()
	run, err := st.Reconcile(ctx, store.ReconcileParams{CycleID: c.ID, Scope: c.Scope, PeriodStart: c.PeriodStart,
		Config: cfg, Rates: cfg.RateTable(nil)})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// checkAgainstModel holds each pair's breaks and tallies to the model, and
// checks every record the pair selects is accounted for exactly once:
// matched, unpaired, or in one break.
func checkAgainstModel(t *testing.T, ctx context.Context, st *store.Store, c store.Cycle, pairs []recon.Pair, bySource map[string][]record.Record, rejected map[string]bool) {
	t.Helper()
	list, err := st.Discrepancies(ctx, store.BreakFilter{CycleID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	tallies, err := st.ReconTallies(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		want, wantTallies := modelReconcile(t, c.ID, p, bySource, rejected)
		got := gotBreaks(t, list, p.Name)
		compareBreaks(t, p.Name, want, got)
		kinds := map[string]int{}
		for _, b := range want {
			kinds[b.Kind]++
		}
		t.Logf("%s: %d breaks %v", p.Name, len(want), kinds)
		gotTallies := map[string]wantTally{}
		for _, tl := range tallies {
			if tl.Pair == p.Name {
				gotTallies[tl.Type] = wantTally{tl.Matched, tl.Left, tl.Right}
			}
		}
		if fmt.Sprint(gotTallies) != fmt.Sprint(wantTallies) {
			t.Errorf("%s tallies\n got %v\nwant %v", p.Name, gotTallies, wantTallies)
		}
		testenv.RequireAccounted(t, ctx, st, c.ID, p)
	}
}

// rejectEvery quarantines every nth record of each source as validation
// would a rule it breaks, and returns them by source and id.
func rejectEvery(t *testing.T, ctx context.Context, st *store.Store, c store.Cycle, n int, bySource map[string][]record.Record) map[string]bool {
	t.Helper()
	rejected := map[string]bool{}
	for source, recs := range bySource {
		for i := 0; i < len(recs); i += n {
			if _, err := st.Pool.Exec(ctx, `INSERT INTO quarantine (cycle_id, source, record_key, stage, reason)
				VALUES ($1, $2, $3, 'rules', 'NEGATIVE_AMOUNT') ON CONFLICT DO NOTHING`, c.ID, source, recs[i].ExternalID); err != nil {
				t.Fatal(err)
			}
			rejected[source+"/"+recs[i].ExternalID] = true
		}
	}
	return rejected
}

func TestReconcileOneToOneAgreesWithModel(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newStagedCycle(t, ctx, st)
	provider, wallet := stageGames(t, ctx, st, c, rand.New(rand.NewPCG(3, 5)), 3000)
	pairs := gamesPairs(t)
	cfg := recon.Config{ReportingCurrency: "USD", Gate: recon.Gate{Action: recon.GateApprove}, Pairs: pairs}
	bySource := map[string][]record.Record{"agg": provider, "wallet": wallet}
	rejected := rejectEvery(t, ctx, st, c, 37, bySource)
	if run := reconcile(t, ctx, st, c, cfg); run.AlreadyDone {
		t.Fatal("a first reconciliation says it was done before")
	}
	checkAgainstModel(t, ctx, st, c, pairs, bySource, rejected)

	before := count(t, ctx, st, `SELECT count(*) FROM discrepancies WHERE cycle_id = $1`, c.ID)
	if run := reconcile(t, ctx, st, c, cfg); !run.AlreadyDone {
		t.Error("a second reconciliation matched again")
	}
	if after := count(t, ctx, st, `SELECT count(*) FROM discrepancies WHERE cycle_id = $1`, c.ID); after != before {
		t.Errorf("reconciling again changed %d breaks to %d", before, after)
	}
}

// paymentsWorld is PSP settlement lines grouped in payout batches, with
// every break of N:1 injected: a payout missing, a payout without lines,
// nets off within and beyond tolerance, a batch mixing currencies, a
// payout paid twice, lines in no batch, and lines with no fee.
func paymentsWorld(rng *rand.Rand, batches int) []record.Record {
	var out []record.Record
	at := periodStart.Add(time.Hour)
	for b := range batches {
		batch := fmt.Sprintf("b-%04d", b)
		s := rng.IntN(100)
		var net int64
		lines := 1 + rng.IntN(6)
		if s < 5 {
			lines = 0 // a payout with no lines
		}
		for i := range lines {
			typ := []string{"deposit", "deposit", "withdrawal", "chargeback"}[rng.IntN(4)]
			amount, fee := 100+rng.Int64N(100000), rng.Int64N(50)
			cur := "KRW"
			if s >= 5 && s < 10 && i == 0 {
				cur = "USD"
			}
			attrs := []record.Attr{{Key: "batch_id", Value: batch}, {Key: "fee", Value: strconv.FormatInt(fee, 10)}}
			if rng.IntN(10) == 0 {
				attrs, fee = attrs[:1], 0
			}
			if s >= 10 && s < 13 {
				attrs[0].Value = ""
			}
			sign := int64(1)
			if typ != "deposit" {
				sign = -1
			}
			net += sign*amount - fee
			out = append(out, canonical(record.KindPSP, fmt.Sprintf("l-%04d-%d", b, i), "ref-"+batch, "p-1", typ, amount, cur, at, attrs...))
		}
		payout := net
		switch {
		case s >= 13 && s < 18:
			continue // no payout
		case s >= 18 && s < 23:
			payout -= 1 + rng.Int64N(100) // within 100 KRW
		case s >= 23 && s < 28:
			payout += 500 + rng.Int64N(5000)
		case s >= 28 && s < 31:
			out = append(out, canonical(record.KindPSP, "po-"+batch+"-again", batch, "", "payout", payout, "KRW", at.Add(time.Minute)))
		}
		out = append(out, canonical(record.KindPSP, "po-"+batch, batch, "", "payout", payout, "KRW", at))
	}
	return out
}

func payoutPairs() []recon.Pair {
	n1 := recon.Pair{Name: "payouts", Left: recon.Side{Source: "psp", Key: "attrs.batch_id"},
		Right: recon.Side{Source: "psp", Key: recon.KeyReferenceID}, Shape: recon.ManyToOne,
		Types:   []recon.TypeMap{{Left: "deposit", Right: "payout"}, {Left: "withdrawal", Right: "payout"}, {Left: "chargeback", Right: "payout"}},
		Compare: recon.Fields{Amount: true, Currency: true}, Tolerance: recon.Tolerance{Absolute: map[string]int64{"KRW": 100}},
		Authoritative: recon.Right, Require: []string{recon.Left, recon.Right},
		Net: recon.Net{Negate: []string{"withdrawal", "chargeback"}, FeeAttr: "fee"}}
	oneN := n1
	oneN.Name, oneN.Shape, oneN.Left, oneN.Right, oneN.Authoritative = "payouts-1n", recon.OneToMany, n1.Right, n1.Left, recon.Left
	oneN.Types = []recon.TypeMap{{Left: "payout", Right: "deposit"}, {Left: "payout", Right: "withdrawal"}, {Left: "payout", Right: "chargeback"}}
	oneN.Require = []string{recon.Left}
	return []recon.Pair{n1, oneN}
}

func TestReconcileGroupsAgreeWithModel(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newStagedCycle(t, ctx, st)
	psp := paymentsWorld(rand.New(rand.NewPCG(8, 13)), 400)
	stage(t, ctx, st, c, "psp", store.StagedPage{Records: psp})
	pairs := payoutPairs()
	cfg := recon.Config{ReportingCurrency: "USD", Gate: recon.Gate{Action: recon.GateApprove}, Pairs: pairs}
	bySource := map[string][]record.Record{"psp": psp}
	rejected := rejectEvery(t, ctx, st, c, 41, bySource)
	reconcile(t, ctx, st, c, cfg)
	checkAgainstModel(t, ctx, st, c, pairs, bySource, rejected)
}

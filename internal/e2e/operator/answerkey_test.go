package operator_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// The demo scope's period 2026-11-01 (Asia/Seoul, cut-off 00:00).
var (
	keyFrom = time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC)
	keyTo   = keyFrom.Add(24 * time.Hour)
)

// brokenWorld is the simulated platform with every break injected at a
// known rate.
func brokenWorld() (sim.WorldConfig, sim.ProviderConfig) {
	feed := sim.DefaultProviderConfig()
	feed.RoundsPerDay, feed.Players = 3000, 200
	world := sim.DefaultWorldConfig()
	world.DepositsPerDay, world.WithdrawalsPerDay, world.RegistrationsPerDay = 400, 120, 60
	world.Breaks = sim.Breaks{
		sim.MissingInWallet: 0.01, sim.MissingInProvider: 0.01, sim.AmountMismatch: 0.01, sim.CurrencyMismatch: 0.01,
		sim.Duplicate: 0.01, sim.ConflictingDuplicate: 0.01, sim.LateArrival: 0.05, sim.OrphanRollback: 0.01,
		sim.FakeFTD: 0.2, sim.PSPFeeMismatch: 0.6, sim.MissingPage: 0.1,
	}
	return world, feed
}

// expectedBreaks turns the answer key into the breaks reconciliation must
// record (docs/sources.md: expected detection), as fingerprints.
func expectedBreaks(t *testing.T, key []sim.Injected) map[string]string {
	t.Helper()
	want := map[string]string{}
	add := func(in sim.Injected, fp string) { want[fp] = in.Break }
	inPeriod := func(at time.Time) bool { return !at.Before(keyFrom) && at.Before(keyTo) }
	for _, in := range key {
		switch in.Break {
		case sim.MissingInWallet:
			add(in, fingerprint("games", recon.MissingRight, in.CounterpartIDs, nil))
		case sim.MissingInProvider:
			add(in, fingerprint("games", recon.MissingLeft, nil, in.CounterpartIDs))
		case sim.AmountMismatch:
			add(in, fingerprint("games", recon.AmountMismatch, in.CounterpartIDs, in.IDs))
		case sim.CurrencyMismatch:
			add(in, fingerprint("games", recon.CurrencyMismatch, in.CounterpartIDs, in.IDs))
		case sim.Duplicate:
			add(in, fingerprint("games", recon.Duplicate, nil, in.IDs))
		case sim.ConflictingDuplicate:
			add(in, fingerprint("", recon.ConflictingDuplicate, in.IDs, nil))
		case sim.LateArrival:
			if inPeriod(in.OccurredAt) {
				add(in, fingerprint("cash", recon.MissingLeft, nil, in.CounterpartIDs))
			}
			if inPeriod(in.BookedAt) {
				add(in, fingerprint("cash", recon.MissingRight, in.IDs, nil))
			}
		case sim.FakeFTD:
			add(in, fingerprint("ftd", recon.MissingRight, in.IDs, nil))
		case sim.PSPFeeMismatch:
			add(in, fingerprint("payouts", recon.AmountMismatch, nil, in.CounterpartIDs))
		case sim.MissingPage:
			add(in, "|"+recon.MissingRecords+"|"+in.Day+"/"+in.Currency+"/"+in.Type)
			for _, id := range in.CounterpartIDs {
				add(in, fingerprint("games", recon.MissingLeft, nil, []string{id}))
			}
		case sim.OrphanRollback: // validation quarantines it; no break
		default:
			t.Fatalf("the answer key has a break this test does not know: %s", in.Break)
		}
	}
	return want
}

// fingerprint names a break by pair, kind and the records of each side.
func fingerprint(pair, kind string, left, right []string) string {
	l, r := slices.Clone(left), slices.Clone(right)
	slices.Sort(l)
	slices.Sort(r)
	return pair + "|" + kind + "|" + strings.Join(l, ",") + "|" + strings.Join(r, ",")
}

// found fingerprints a cycle's breaks as expected names them: a batch by
// its payout, a conflicting duplicate by the id it repeats, control totals
// by their key.
func found(list []store.Discrepancy) map[string]store.Discrepancy {
	out := map[string]store.Discrepancy{}
	for _, d := range list {
		var fp string
		switch {
		case d.Kind == recon.MissingRecords:
			fp = "|" + d.Kind + "|" + d.Key
		case d.Kind == recon.ConflictingDuplicate:
			fp = fingerprint(d.Pair, d.Kind, d.Left.IDs, nil)
		case d.Pair == "payouts":
			fp = fingerprint(d.Pair, d.Kind, nil, d.Right.IDs)
		default:
			fp = fingerprint(d.Pair, d.Kind, d.Left.IDs, d.Right.IDs)
		}
		out[fp] = d
	}
	return out
}

// The simulated platform with every break it knows injected at known
// rates: the cycle's discrepancies equal the answer key exactly — every
// break found, none invented — and every staged record of each pair is
// matched, in exactly one break, or rejected by validation.
func TestDiscrepanciesEqualTheAnswerKey(t *testing.T) {
	t.Parallel()
	world, feed := brokenWorld()
	r := server.NewRig(t, testenv.RigOptions{World: &world, Sim: feed, Kinds: record.Kinds})
	s := start(t, r, "2026-11-01", "alice", fast, false)
	waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusAwaitingApproval)

	r.WorldConfig.Provider = r.SimConfig
	key, err := sim.AnswerKey(r.WorldConfig, keyFrom, keyTo)
	if err != nil {
		t.Fatal(err)
	}
	want := expectedBreaks(t, key)
	ctx := context.Background()
	c, list, err := platform.ListDiscrepancies(ctx, r.Store, platform.BreakQuery{Cycle: s.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	got := found(list)
	perBreak := map[string]int{}
	for fp, brk := range want {
		perBreak[brk]++
		if _, ok := got[fp]; !ok {
			t.Errorf("missed: %s (%s)", fp, brk)
		}
	}
	for fp, d := range got {
		if _, ok := want[fp]; !ok {
			t.Errorf("invented: %s (%s %s)", fp, d.Status, d.Detail)
		}
	}
	if kinds := sim.BreakKinds(key); len(kinds) != len(sim.BreakNames) {
		t.Errorf("the world injected %v, want every break", kinds)
	}
	t.Logf("%d breaks expected, %d found; by break: %v", len(want), len(got), perBreak)
	pairs := r.Catalog.Scopes[testenv.DemoScope].Reconciliation.Pairs
	if len(pairs) != 4 {
		t.Fatalf("the demo scope reconciles %d pairs, want the usual four", len(pairs))
	}
	for _, p := range pairs {
		testenv.RequireAccounted(t, ctx, r.Store, c.ID, p)
	}
}

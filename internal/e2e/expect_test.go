package e2e

import (
	"math/big"
	"sort"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/sim"
)

// expected is what a correct cycle must produce for a simulator config and
// period, computed here from the simulator's generator alone: no settleflow
// code that the cycle itself runs (validation, money, settle) is used.
type expected struct {
	records       int   // everything the feed serves for the period
	formatRejects int64 // refused by the adapter, never staged
	staged        int64 // records that reach staging
	accepted      int64
	rejected      int64 // staged but refused by business rules
	byReason      map[string]int64
	validIDs      map[string]bool
	ggr           map[string]int64 // per currency, accepted data
	fee           map[string]int64 // acme-games' 12.5% of positive GGR, half-even
}

// Reason codes each injected fault must be quarantined under, and whether
// the adapter (format) or the rules (staged, then rejected) catch it.
var faultReasons = map[string]struct {
	reason string
	format bool
}{
	sim.InvalidCurrency:    {"UNKNOWN_CURRENCY", false},
	sim.InvalidNegative:    {"NEGATIVE_AMOUNT", false},
	sim.InvalidOutOfPeriod: {"OUTSIDE_PERIOD", false},
	sim.InvalidDanglingRef: {"ORPHAN_ROLLBACK", false},
	sim.InvalidMissingID:   {"FORMAT_MISSING_ID", true},
	sim.InvalidType:        {"FORMAT_BAD_TYPE", true},
}

func expect(t *testing.T, cfg sim.ProviderConfig, from, to time.Time) expected {
	t.Helper()
	all := sim.GenerateTransactions(cfg, from, to)
	valid := sim.ExpectedValid(cfg, from, to)
	invalid := sim.InjectedInvalid(cfg, from, to)
	if len(all) != len(valid)+len(invalid) {
		t.Fatalf("simulator: %d records = %d valid + %d invalid does not add up", len(all), len(valid), len(invalid))
	}
	x := expected{records: len(all), byReason: map[string]int64{}, validIDs: map[string]bool{},
		ggr: map[string]int64{}, fee: map[string]int64{}}
	for _, inv := range invalid {
		fr, ok := faultReasons[inv.Kind]
		if !ok {
			t.Fatalf("simulator injects fault %q the test does not know", inv.Kind)
		}
		x.byReason[fr.reason]++
		if fr.format {
			x.formatRejects++
		} else {
			x.rejected++
		}
	}
	for _, tx := range valid {
		if x.validIDs[tx.TransactionID] {
			t.Fatalf("simulator repeats valid id %s", tx.TransactionID)
		}
		x.validIDs[tx.TransactionID] = true
		switch tx.Type {
		case sim.TypeBet:
			x.ggr[tx.Currency] += tx.Amount
		case sim.TypeWin, sim.TypeRollback:
			x.ggr[tx.Currency] -= tx.Amount
		default:
			t.Fatalf("valid record %s has type %q", tx.TransactionID, tx.Type)
		}
	}
	x.accepted = int64(len(valid))
	x.staged = x.accepted + x.rejected
	for cur, ggr := range x.ggr {
		x.fee[cur] = providerFee(ggr)
	}
	return x
}

// providerFee is acme-games' agreement v1 written out by hand: 12.5% of
// GGR rounded half to even to the minor unit, and nothing when GGR is not
// positive (negative_ggr: zero).
func providerFee(ggr int64) int64 {
	if ggr <= 0 {
		return 0
	}
	num := new(big.Int).Mul(big.NewInt(ggr), big.NewInt(125))
	den := big.NewInt(1000)
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	switch new(big.Int).Lsh(r, 1).Cmp(den) {
	case 1:
		q.Add(q, big.NewInt(1))
	case 0:
		if q.Bit(0) == 1 {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}

func TestProviderFeeRounding(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ ggr, fee int64 }{
		{0, 0}, {-1000, 0}, {8, 1}, {1000, 125},
		{4, 0},                          // 0.5 → 0 (even)
		{12, 2},                         // 1.5 → 2
		{20, 2},                         // 2.5 → 2
		{28, 4},                         // 3.5 → 4
		{5, 1},                          // 0.625 → 1
		{3, 0},                          // 0.375 → 0
		{1<<62 + 4, 576460752303423488}, // no overflow: (2^62+4)/8 = 2^59 + 0.5 → 2^59 (even)
	} {
		if got := providerFee(c.ggr); got != c.fee {
			t.Errorf("providerFee(%d) = %d, want %d", c.ggr, got, c.fee)
		}
	}
}

// journalLines is how many lines the settlement entry has: clearing,
// partner payable and operator revenue per currency, zero amounts left out.
func (x expected) journalLines() int {
	n := 0
	for cur, ggr := range x.ggr {
		for _, amount := range []int64{ggr, x.fee[cur], ggr - x.fee[cur]} {
			if amount != 0 {
				n++
			}
		}
	}
	return n
}

func currencies(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// pages is how many pages the feed needs for n records at limit.
func pages(n, limit int) int {
	if n == 0 {
		return 1
	}
	return (n + limit - 1) / limit
}

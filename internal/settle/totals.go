// Package settle computes what each partner is owed from aggregated
// activity and the agreement version in force. It is pure arithmetic: no
// I/O, no clock, and the same inputs always give the same lines.
package settle

import (
	"fmt"
	"math/big"
)

// Totals is one currency's aggregated activity for a period. Bets, Wins and
// Rollbacks are non-negative sums of amounts in minor units; Count is the
// number of transactions behind them, carried for the statement only.
type Totals struct {
	Currency  string
	Bets      int64
	Wins      int64
	Rollbacks int64
	Count     int64
}

// GGR is Bets − Wins − Rollbacks. A rollback cancels a bet, so it reduces
// GGR just as a win does. GGR does not check for overflow; ProviderFee does
// (see checkedGGR), so use its Line.GGR for anything that is paid out.
func (t Totals) GGR() int64 { return t.Bets - t.Wins - t.Rollbacks }

// checkedGGR is GGR with input validation and overflow detection.
func (t Totals) checkedGGR() (int64, error) {
	for _, f := range []struct {
		name string
		v    int64
	}{{"bets", t.Bets}, {"wins", t.Wins}, {"rollbacks", t.Rollbacks}} {
		if f.v < 0 {
			return 0, fmt.Errorf("%s %s is negative (%d); totals are sums of amounts", t.Currency, f.name, f.v)
		}
	}
	g := big.NewInt(t.Bets)
	g.Sub(g, big.NewInt(t.Wins))
	g.Sub(g, big.NewInt(t.Rollbacks))
	if !g.IsInt64() {
		return 0, fmt.Errorf("%s GGR %s overflows int64", t.Currency, g)
	}
	return g.Int64(), nil
}

// Add sums two totals of one currency, as when two sources share a
// partner, refusing a sum int64 minor units cannot hold.
func (t Totals) Add(o Totals) (Totals, error) {
	if t.Currency != o.Currency {
		return t, fmt.Errorf("adding %s totals to %s totals", o.Currency, t.Currency)
	}
	sum := Totals{Currency: t.Currency}
	for _, f := range []struct {
		name string
		a, b int64
		into *int64
	}{{"bets", t.Bets, o.Bets, &sum.Bets}, {"wins", t.Wins, o.Wins, &sum.Wins},
		{"rollbacks", t.Rollbacks, o.Rollbacks, &sum.Rollbacks}, {"count", t.Count, o.Count, &sum.Count}} {
		s := f.a + f.b
		if (f.b > 0 && s < f.a) || (f.b < 0 && s > f.a) {
			return t, fmt.Errorf("%s %s %d + %d overflows int64", t.Currency, f.name, f.a, f.b)
		}
		*f.into = s
	}
	return sum, nil
}

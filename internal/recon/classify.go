package recon

import (
	"fmt"
	"math"
	"math/big"
	"time"
)

// Item is one side of a pair where it meets the other on a key: a record,
// or on the many side of N:1 and 1:N a group summed by the pair's Net.
type Item struct {
	Type     string
	Amount   int64
	Currency string
	// Mixed marks a group holding several currencies.
	Mixed bool
	At    time.Time
}

// Outcome is what classification decides for two sides that met on a key,
// or for one side that met nothing.
type Outcome struct {
	// Kind is the break's reason code; empty when there is no break.
	Kind string
	// AutoResolved is set for a break within the pair's tolerance.
	AutoResolved bool
	// Paired is set when both sides are present.
	Paired bool
}

// Classify decides one key. With one side absent the present record is a
// break if its side must find a counterpart, otherwise simply unpaired.
// With both present the first compared field that differs names the break,
// in the order type, currency, amount, time: a record of the wrong type or
// currency has no meaningful amount difference, and amounts matter more
// than timing. An amount difference within tolerance is auto-resolved.
func (p Pair) Classify(l, r *Item) Outcome {
	switch {
	case l == nil && r == nil:
		return Outcome{}
	case l == nil:
		return Outcome{Kind: breakIf(p.Requires(Right), MissingLeft)}
	case r == nil:
		return Outcome{Kind: breakIf(p.Requires(Left), MissingRight)}
	}
	out := Outcome{Paired: true}
	switch {
	case p.Shape == OneToOne && p.Compare.Type && r.Type != p.RightTypeOf(l.Type):
		out.Kind = TypeMismatch
	case p.Compare.Currency && (l.Mixed || r.Mixed || l.Currency != r.Currency):
		out.Kind = CurrencyMismatch
	case p.Compare.Amount && l.Amount != r.Amount:
		auth, other := p.sides(l, r)
		diff := new(big.Int).Sub(big.NewInt(auth.Amount), big.NewInt(other.Amount))
		out.Kind, out.AutoResolved = AmountMismatch, p.Tolerance.Within(auth.Currency, diff, auth.Amount)
	case p.Shape == OneToOne && p.Compare.Time && absDuration(l.At.Sub(r.At)) > p.Tolerance.Window:
		out.Kind = TimeMismatch
	}
	return out
}

func breakIf(required bool, kind string) string {
	if required {
		return kind
	}
	return ""
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// sides returns the authoritative side first.
func (p Pair) sides(l, r *Item) (auth, other *Item) {
	if p.Authoritative == Left {
		return l, r
	}
	return r, l
}

// Within reports whether an amount difference is within tolerance: at most
// the absolute tolerance of the currency, or at most the percentage of the
// authoritative amount, whichever is larger. Exact: no float.
func (t Tolerance) Within(currency string, diff *big.Int, authAmount int64) bool {
	abs := new(big.Int).Abs(diff)
	if abs.Cmp(big.NewInt(t.Absolute[currency])) <= 0 {
		return true
	}
	pct := t.Percent.Rat()
	lhs := new(big.Int).Mul(abs, pct.Denom())
	rhs := new(big.Int).Mul(new(big.Int).Abs(big.NewInt(authAmount)), pct.Num())
	return lhs.Cmp(rhs) <= 0
}

// Difference is what the authoritative side says minus what the other
// says, in one currency; a missing side counts as zero. Nil when the sides
// are in different currencies (or a group mixes them): there is no single
// amount to book then.
func (p Pair) Difference(l, r *Item) (*int64, error) {
	auth, other := p.sides(l, r)
	var a, o int64
	var currencies []string
	if auth != nil {
		a = auth.Amount
		currencies = append(currencies, currencyOf(auth))
	}
	if other != nil {
		o = other.Amount
		currencies = append(currencies, currencyOf(other))
	}
	for _, c := range currencies {
		if c == "" || c != currencies[0] {
			return nil, nil
		}
	}
	d := new(big.Int).Sub(big.NewInt(a), big.NewInt(o))
	if !d.IsInt64() {
		return nil, fmt.Errorf("difference %s does not fit in 64-bit minor units", d)
	}
	v := d.Int64()
	return &v, nil
}

func currencyOf(it *Item) string {
	if it.Mixed {
		return ""
	}
	return it.Currency
}

// Stake is what a break puts at stake, never negative, in the currency it
// is counted in: a missing or duplicate record its whole amount; a break
// between two figures of one thing (an amount mismatch, two versions of a
// record, control totals against staging) their difference when they are
// in one currency; any other break (type, currency, time) the authoritative
// amount, or the other side's when that is a group of several currencies.
// currency is empty when the amount is in several currencies.
func (p Pair) Stake(kind string, l, r *Item) (amount int64, currency string, err error) {
	auth, other := p.sides(l, r)
	switch kind {
	case MissingLeft, MissingRight, Duplicate:
		present := auth
		if present == nil {
			present = other
		}
		amount, err = absAmount(present.Amount)
		return amount, currencyOf(present), err
	case AmountMismatch, ConflictingDuplicate, MissingRecords:
		d, err := p.Difference(l, r)
		if err != nil {
			return 0, "", err
		}
		if d != nil {
			amount, err = absAmount(*d)
			return amount, auth.Currency, err
		}
	}
	if auth.Mixed {
		auth = other
	}
	amount, err = absAmount(auth.Amount)
	return amount, currencyOf(auth), err
}

func absAmount(v int64) (int64, error) {
	switch {
	case v == math.MinInt64:
		return 0, fmt.Errorf("amount %d has no 64-bit magnitude", v)
	case v < 0:
		return -v, nil
	}
	return v, nil
}

package recon

import (
	"math/big"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/money"
)

func games() Pair {
	pct, _ := money.ParsePercent("1")
	return Pair{Name: "games", Left: Side{Source: "agg", Key: KeyExternalID}, Right: Side{Source: "wallet", Key: KeyReferenceID},
		Shape: OneToOne, Types: []TypeMap{{"bet", "bet_debit"}, {"win", "win_credit"}},
		Compare:       Fields{Amount: true, Currency: true, Type: true, Time: true},
		Tolerance:     Tolerance{Absolute: map[string]int64{"KRW": 10}, Percent: pct, Window: 5 * time.Minute},
		Authoritative: Left, Require: []string{Left, Right}}
}

var t0 = time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)

func item(typ string, amount int64, cur string) *Item {
	return &Item{Type: typ, Amount: amount, Currency: cur, At: t0}
}

func TestClassifyOneToOne(t *testing.T) {
	p := games()
	late := item("bet_debit", 1000, "KRW")
	late.At = t0.Add(6 * time.Minute)
	inWindow := item("bet_debit", 1000, "KRW")
	inWindow.At = t0.Add(-5 * time.Minute)
	cases := []struct {
		name string
		l, r *Item
		want Outcome
	}{
		{"equal", item("bet", 1000, "KRW"), item("bet_debit", 1000, "KRW"), Outcome{Paired: true}},
		{"no right", item("bet", 1000, "KRW"), nil, Outcome{Kind: MissingRight}},
		{"no left", nil, item("win_credit", 5, "KRW"), Outcome{Kind: MissingLeft}},
		{"wrong type wins over amount", item("bet", 1000, "KRW"), item("win_credit", 999, "USD"), Outcome{Kind: TypeMismatch, Paired: true}},
		{"currency before amount", item("bet", 1000, "KRW"), item("bet_debit", 999, "USD"), Outcome{Kind: CurrencyMismatch, Paired: true}},
		{"within absolute", item("bet", 1000, "KRW"), item("bet_debit", 990, "KRW"), Outcome{Kind: AmountMismatch, AutoResolved: true, Paired: true}},
		{"within percent", item("bet", 100000, "KRW"), item("bet_debit", 99000, "KRW"), Outcome{Kind: AmountMismatch, AutoResolved: true, Paired: true}},
		{"beyond both", item("bet", 100000, "KRW"), item("bet_debit", 98999, "KRW"), Outcome{Kind: AmountMismatch, Paired: true}},
		{"no absolute for USD", item("bet", 100, "USD"), item("bet_debit", 99, "USD"), Outcome{Kind: AmountMismatch, AutoResolved: true, Paired: true}},
		{"USD beyond percent", item("bet", 99, "USD"), item("bet_debit", 98, "USD"), Outcome{Kind: AmountMismatch, Paired: true}},
		{"late", item("bet", 1000, "KRW"), late, Outcome{Kind: TimeMismatch, Paired: true}},
		{"window is inclusive", item("bet", 1000, "KRW"), inWindow, Outcome{Paired: true}},
	}
	for _, tc := range cases {
		if got := p.Classify(tc.l, tc.r); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// The percentage is of the authoritative side: 1% of 100000 is 1000, of
// 99000 only 990.
func TestToleranceIsOfTheAuthoritativeSide(t *testing.T) {
	p := games()
	p.Tolerance.Absolute = nil
	l, r := item("bet", 100000, "KRW"), item("bet_debit", 99000, "KRW")
	if got := p.Classify(l, r); !got.AutoResolved {
		t.Errorf("left authoritative: %+v, want auto-resolved", got)
	}
	p.Authoritative = Right
	if got := p.Classify(l, r); got.AutoResolved {
		t.Errorf("right authoritative: %+v, want open", got)
	}
}

// Only required sides' unmatched records are breaks; the others are
// unpaired, not matched.
func TestRequireOneSide(t *testing.T) {
	p := games()
	p.Require = []string{Left}
	if got := p.Classify(nil, item("win_credit", 5, "KRW")); got != (Outcome{}) {
		t.Errorf("unrequired right alone: %+v", got)
	}
	if got := p.Classify(item("bet", 5, "KRW"), nil); got.Kind != MissingRight {
		t.Errorf("required left alone: %+v", got)
	}
}

func TestClassifyGroups(t *testing.T) {
	p := Pair{Name: "payouts", Shape: ManyToOne, Types: []TypeMap{{"deposit", "payout"}, {"withdrawal", "payout"}},
		Compare: Fields{Amount: true, Currency: true}, Tolerance: Tolerance{Absolute: map[string]int64{"KRW": 100}},
		Authoritative: Right, Require: []string{Left, Right}}
	group := &Item{Amount: 5000, Currency: "KRW"}
	cases := []struct {
		name string
		l, r *Item
		want Outcome
	}{
		{"net equals payout", group, item("payout", 5000, "KRW"), Outcome{Paired: true}},
		{"within", group, item("payout", 4900, "KRW"), Outcome{Kind: AmountMismatch, AutoResolved: true, Paired: true}},
		{"beyond", group, item("payout", 4899, "KRW"), Outcome{Kind: AmountMismatch, Paired: true}},
		{"mixed group", &Item{Amount: 5000, Mixed: true}, item("payout", 5000, "KRW"), Outcome{Kind: CurrencyMismatch, Paired: true}},
		{"types are not compared", group, item("deposit", 5000, "KRW"), Outcome{Paired: true}},
		{"no payout", group, nil, Outcome{Kind: MissingRight}},
	}
	for _, tc := range cases {
		if got := p.Classify(tc.l, tc.r); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestDifferenceAndStake(t *testing.T) {
	p := games() // left authoritative
	cases := []struct {
		kind      string
		l, r      *Item
		diff      *int64
		stake     int64
		stakeCurr string
	}{
		{AmountMismatch, item("bet", 1000, "KRW"), item("bet_debit", 1200, "KRW"), ptr(-200), 200, "KRW"},
		{MissingRight, item("bet", 1000, "KRW"), nil, ptr(1000), 1000, "KRW"},
		{MissingLeft, nil, item("bet_debit", 700, "KRW"), ptr(-700), 700, "KRW"},
		{CurrencyMismatch, item("bet", 1000, "KRW"), item("bet_debit", 3, "USD"), nil, 1000, "KRW"},
		{TypeMismatch, item("bet", 1000, "KRW"), item("win_credit", 1000, "KRW"), ptr(0), 1000, "KRW"},
		{CurrencyMismatch, &Item{Amount: 9, Mixed: true}, item("payout", 4, "USD"), nil, 4, "USD"},
	}
	for _, tc := range cases {
		d, err := p.Difference(tc.l, tc.r)
		if err != nil || !equalPtr(d, tc.diff) {
			t.Errorf("%s difference = %v (%v), want %v", tc.kind, deref(d), err, deref(tc.diff))
		}
		amount, cur, err := p.Stake(tc.kind, tc.l, tc.r)
		if err != nil || amount != tc.stake || cur != tc.stakeCurr {
			t.Errorf("%s stake = %d %s (%v), want %d %s", tc.kind, amount, cur, err, tc.stake, tc.stakeCurr)
		}
	}
	if _, _, err := p.Stake(MissingRight, item("bet", -1<<63, "KRW"), nil); err == nil {
		t.Error("the most negative amount was given a magnitude")
	}
}

func TestWithinIsExact(t *testing.T) {
	third, _ := money.ParsePercent("33.33333333")
	tol := Tolerance{Percent: third}
	// 33.33333333% of 300000000 is 99999999.99: 99999999 is within, 100000000 not.
	if !tol.Within("KRW", big.NewInt(99999999), 300000000) || tol.Within("KRW", big.NewInt(100000000), 300000000) {
		t.Error("percent tolerance is not exact at its edge")
	}
}

func ptr(v int64) *int64 { return &v }

func equalPtr(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func deref(p *int64) any {
	if p == nil {
		return "nil"
	}
	return *p
}

package recon

import (
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestResolutionTransitions(t *testing.T) {
	open := Break{Status: StatusOpen, Kind: AmountMismatch, Difference: ptr(-200), Currency: "KRW"}
	ok := []Resolution{{ActionAccept, "bob", "known rounding"}, {ActionAdjust, "bob", "wallet short"}, {ActionCarry, "bob", "arrives tomorrow"}}
	for _, r := range ok {
		if err := r.Check(open); err != nil {
			t.Errorf("%s of an open break refused: %v", r.Action, err)
		}
	}
	cases := []struct {
		r     Resolution
		b     Break
		field string
	}{
		{Resolution{"delete", "bob", "x"}, open, "action"},
		{Resolution{ActionAccept, "bob", " "}, open, "reason"},
		{Resolution{ActionAccept, "", "x"}, open, "actor"},
		{Resolution{ActionAccept, "bob", "x"}, Break{Status: StatusAutoResolved}, "status"},
		{Resolution{ActionCarry, "bob", "x"}, Break{Status: StatusCarried}, "status"},
		{Resolution{ActionAdjust, "bob", "x"}, Break{Status: StatusOpen, Kind: CurrencyMismatch}, "action"},
		{Resolution{ActionAdjust, "bob", "x"}, Break{Status: StatusOpen, Kind: TypeMismatch, Difference: ptr(0)}, "action"},
	}
	for _, tc := range cases {
		var fe FieldError
		if err := tc.r.Check(tc.b); !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%+v on %+v: %v, want a refusal naming %s", tc.r, tc.b, err, tc.field)
		}
	}
	for _, a := range Actions {
		if s, err := StatusAfter(a); err != nil || !slices.Contains(Statuses, s) || s == StatusOpen || s == StatusAutoResolved {
			t.Errorf("%s leads to %q (%v)", a, s, err)
		}
	}
}

func TestGateReasons(t *testing.T) {
	ten, amount := int64(10), int64(100000)
	g := Gate{CountAbove: &ten, AmountAbove: &amount, Action: GateBlock}
	if r := g.Reasons(Open{Count: 10, Amount: 100000, ReportingCurrency: "USD"}); len(r) != 0 {
		t.Errorf("at the thresholds: %v", r)
	}
	r := g.Reasons(Open{Count: 11, Amount: 100001, Unvalued: 2, Conflicts: 1, ReportingCurrency: "USD"})
	want := []string{"1 conflicting duplicate is open", "11 discrepancies are open, more than the 10 allowed",
		"worth 1000.01 USD, above the 1000.00 USD threshold", "2 open discrepancies cannot be valued in USD"}
	if len(r) != len(want) {
		t.Fatalf("reasons = %q", r)
	}
	for i, w := range want {
		if !strings.Contains(r[i], w) {
			t.Errorf("reason %d = %q, want it to say %q", i, r[i], w)
		}
	}
	if r := (Gate{Action: GateApprove}).Reasons(Open{Count: 1000, Amount: 1 << 40, Unvalued: 5}); len(r) != 0 {
		t.Errorf("no thresholds, no conflicts: %v", r)
	}
}

func TestRanking(t *testing.T) {
	id := func(b byte) uuid.UUID { return uuid.UUID{b} }
	sorted := []Ranked{
		{ID: id(9), Kind: TimeMismatch},                                            // unknown size first
		{ID: id(1), Kind: TimeMismatch, Reporting: 500, Valued: true},              // then the largest
		{ID: id(2), Kind: MissingLeft, Reporting: 100, Valued: true},               // then the most urgent kind
		{ID: id(3), Kind: AmountMismatch, Reporting: 100, Valued: true, Pair: "a"}, // then pair
		{ID: id(4), Kind: AmountMismatch, Reporting: 100, Valued: true, Pair: "b"}, //
		{ID: id(5), Kind: AmountMismatch, Reporting: 100, Valued: true, Pair: "b", Key: "k"},
	}
	for i := range sorted {
		for j := range sorted {
			if got := Before(sorted[i], sorted[j]); got != (i < j) {
				t.Errorf("Before(%d, %d) = %v", i, j, got)
			}
		}
	}
}

func TestRateTable(t *testing.T) {
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	q := func(base, quote, rate string) Quote {
		r, err := ParseQuote(base+quote, day.Format(time.DateOnly), base, quote, rate)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	fixedKRW, _ := new(big.Rat).SetString("1400")
	c := Config{ReportingCurrency: "USD", Rates: map[string]*big.Rat{"KRW": fixedKRW}}
	rates := c.RateTable([]Quote{q("USD", "KRW", "1385.25"), q("EUR", "USD", "1.08"), q("EUR", "JPY", "162")})
	cases := []struct {
		cur    string
		day    time.Time
		amount int64
		want   int64
		ok     bool
	}{
		{"KRW", day, 1_000_000, 72189, true},                       // direct: 1e6/1385.25 = 721.8913 USD
		{"KRW", day.Add(48 * time.Hour), 1_000_000, 72189, true},   // latest earlier quote
		{"KRW", day.Add(-24 * time.Hour), 1_400_000, 100000, true}, // before any quote: the fixed rate
		{"EUR", day, 1000, 1080, true},                             // inverse: 10 EUR = 10.80 USD
		{"JPY", day, 16200, 10800, true},                           // through EUR: 16200 JPY = 100 EUR = 108 USD
		{"USD", day, 1234, 1234, true},
		{"GBP", day, 1, 0, false},
	}
	for _, tc := range cases {
		v, ok, err := Value(rates, tc.cur, tc.day, tc.amount)
		if err != nil || ok != tc.ok || v != tc.want {
			t.Errorf("%d %s on %s = %d %v (%v), want %d %v", tc.amount, tc.cur, tc.day.Format(time.DateOnly), v, ok, err, tc.want, tc.ok)
		}
	}
	for _, bad := range [][5]string{{"x", "2026-13-01", "USD", "KRW", "1"}, {"x", "2026-11-01", "USD", "XXX", "1"}, {"x", "2026-11-01", "USD", "KRW", "-1"}} {
		if _, err := ParseQuote(bad[0], bad[1], bad[2], bad[3], bad[4]); err == nil || !strings.Contains(err.Error(), "attrs.") {
			t.Errorf("%v: %v, want an error naming the field", bad, err)
		}
	}
}

func TestDiscrepancyIDIsStable(t *testing.T) {
	c := uuid.New()
	a, b := DiscrepancyID(c, "games", MissingRight, "t-1"), DiscrepancyID(c, "games", MissingRight, "t-1")
	if a != b || a.Version() != 8 || a == DiscrepancyID(c, "games", MissingLeft, "t-1") || a == DiscrepancyID(uuid.New(), "games", MissingRight, "t-1") {
		t.Error("IDs are not a name-based function of cycle, pair, kind and identity")
	}
}

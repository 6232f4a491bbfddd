package settle

import (
	"math"
	"math/big"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/agreement"
	"github.com/settleflow/settleflow/internal/money"
)

func version(t testing.TB, pct string, mode money.RoundingMode, neg string, currencies ...string) agreement.Version {
	t.Helper()
	r, err := money.ParsePercent(pct)
	if err != nil {
		t.Fatal(err)
	}
	return agreement.Version{
		Number:        3,
		EffectiveFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		FeePercent:    r,
		Rounding:      mode,
		NegativeGGR:   neg,
		Currencies:    currencies,
	}
}

func TestProviderFee(t *testing.T) {
	v := version(t, "12.5", money.HalfEven, agreement.NegativeGGRZero)
	lines, err := ProviderFee("acme-games", v, []Totals{
		{Currency: "USD", Bets: 200000, Wins: 76544, Rollbacks: 0, Count: 10}, // GGR 1234.56
		{Currency: "KRW", Bets: 1000000, Wins: 1200000, Count: 4},             // GGR negative
		{Currency: "EUR", Bets: 12, Count: 1},                                 // 1.5 → 2 (even)
		{Currency: "KWD", Bets: 4, Count: 1},                                  // 0.5 → 0 (even)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Share{
		{"acme-games", "EUR", 12, 2, 10, 3, "GGR 0.12 EUR × 12.5% (half_even) = 0.02 EUR provider fee"},
		{"acme-games", "KRW", -200000, 0, -200000, 3,
			"GGR -200000 KRW is not positive and negative GGR is not charged (negative_ggr: zero) = 0 KRW provider fee"},
		{"acme-games", "KWD", 4, 0, 4, 3, "GGR 0.004 KWD × 12.5% (half_even) = 0.000 KWD provider fee"},
		{"acme-games", "USD", 123456, 15432, 108024, 3, "GGR 1234.56 USD × 12.5% (half_even) = 154.32 USD provider fee"},
	}
	if !reflect.DeepEqual(lines, want) {
		for i := range lines {
			t.Errorf("line %d:\n got %+v\nwant %+v", i, lines[i], want[i])
		}
	}
}

func TestProviderFeeNegativeCharge(t *testing.T) {
	v := version(t, "10", money.HalfUp, agreement.NegativeGGRCharge)
	lines, err := ProviderFee("p", v, []Totals{
		{Currency: "USD", Bets: 100, Wins: 1105}, // GGR -10.05 → fee -1.005 → -1.01 half_up
		{Currency: "JPY", Bets: 5, Wins: 5},      // GGR 0 → fee 0
	})
	if err != nil {
		t.Fatal(err)
	}
	if l := lines[1]; l.Currency != "USD" || l.GGR != -1005 || l.PartnerAmount != -101 || l.OperatorAmount != -904 {
		t.Errorf("USD line = %+v", l)
	}
	if !strings.HasSuffix(lines[1].Explanation, "= -1.01 USD provider fee, a credit to the operator") {
		t.Errorf("explanation = %q", lines[1].Explanation)
	}
	if l := lines[0]; l.Currency != "JPY" || l.GGR != 0 || l.PartnerAmount != 0 || l.OperatorAmount != 0 {
		t.Errorf("JPY line = %+v", l)
	}
}

func TestProviderFeeErrors(t *testing.T) {
	restricted := version(t, "12.5", money.HalfEven, agreement.NegativeGGRZero, "KRW", "USD")
	open := version(t, "12.5", money.HalfEven, agreement.NegativeGGRZero)
	tests := []struct {
		name    string
		partner string
		v       agreement.Version
		totals  []Totals
		want    string
	}{
		{"not covered", "p", restricted, []Totals{{Currency: "USD"}, {Currency: "EUR"}}, `currency "EUR" not covered`},
		{"unknown", "p", open, []Totals{{Currency: "XYZ"}}, `unknown currency "XYZ"`},
		{"duplicate", "p", open, []Totals{{Currency: "USD"}, {Currency: "USD"}}, `currency "USD" appears twice`},
		{"negative wins", "p", open, []Totals{{Currency: "USD", Wins: -5}}, "USD wins is negative (-5)"},
		{"overflow", "p", open, []Totals{{Currency: "USD", Wins: math.MaxInt64, Rollbacks: math.MaxInt64}}, "overflows"},
		{"no partner", "", open, nil, "partner is empty"},
		{"bad negative_ggr", "p", version(t, "1", money.HalfEven, ""), nil, `negative_ggr ""`},
		{"bad rounding", "p", version(t, "1", money.RoundingMode(8), agreement.NegativeGGRZero), []Totals{{Currency: "USD", Bets: 1}}, "rounding mode"},
	}
	for _, tt := range tests {
		_, err := ProviderFee(tt.partner, tt.v, tt.totals)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestProviderFeeEmpty(t *testing.T) {
	lines, err := ProviderFee("p", version(t, "5", money.HalfEven, agreement.NegativeGGRZero), nil)
	if err != nil || len(lines) != 0 {
		t.Errorf("got %v, %v", lines, err)
	}
}

// TestProviderFeeProperties: for random totals and terms, the split always
// adds up to GGR, lines are sorted and deterministic, and under half_even the
// fee is within half a minor unit of the exact big.Rat value.
func TestProviderFeeProperties(t *testing.T) {
	rng := rand.New(rand.NewSource(17))
	codes := []string{"AUD", "BHD", "EUR", "JPY", "KRW", "KWD", "USD"}
	modes := []money.RoundingMode{money.HalfEven, money.HalfUp, money.Down, money.Up}
	for range 3000 {
		d := rng.Intn(9)
		pct := big.NewRat(rng.Int63n(100*pow10(d)+1), pow10(d)).FloatString(d)
		neg := []string{agreement.NegativeGGRZero, agreement.NegativeGGRCharge}[rng.Intn(2)]
		v := version(t, pct, modes[rng.Intn(len(modes))], neg)

		var totals []Totals
		for _, i := range rng.Perm(len(codes))[:rng.Intn(len(codes))+1] {
			limit := []int64{1000, 1e9, math.MaxInt64 / 3}[rng.Intn(3)]
			totals = append(totals, Totals{Currency: codes[i],
				Bets: rng.Int63n(limit), Wins: rng.Int63n(limit), Rollbacks: rng.Int63n(limit / 4)})
		}
		lines, err := ProviderFee("p", v, totals)
		if err != nil {
			t.Fatalf("%s %v: %v", pct, totals, err)
		}
		for i, l := range lines {
			if i > 0 && lines[i-1].Currency >= l.Currency {
				t.Fatalf("lines not sorted: %v", lines)
			}
			if l.PartnerAmount+l.OperatorAmount != l.GGR {
				t.Fatalf("%+v: parts do not add up to GGR", l)
			}
			exact := new(big.Rat).Mul(new(big.Rat).SetInt64(l.GGR), v.FeePercent.Rat())
			if l.GGR <= 0 && neg == agreement.NegativeGGRZero {
				exact.SetInt64(0)
			}
			diff := new(big.Rat).Sub(new(big.Rat).SetInt64(l.PartnerAmount), exact)
			limit := big.NewRat(1, 1) // directed modes: strictly less than one unit
			if v.Rounding == money.HalfEven || v.Rounding == money.HalfUp {
				limit = big.NewRat(1, 2)
			}
			if c := diff.Abs(diff).Cmp(limit); c > 0 || (c == 0 && limit.Cmp(big.NewRat(1, 1)) == 0) {
				t.Fatalf("%+v: fee %d too far from exact %s", l, l.PartnerAmount, exact.FloatString(4))
			}
		}
		again, _ := ProviderFee("p", v, totals)
		if !reflect.DeepEqual(lines, again) {
			t.Fatal("ProviderFee is not deterministic")
		}
	}
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

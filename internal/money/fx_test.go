package money

import (
	"math/big"
	"testing"
)

func TestParseRate(t *testing.T) {
	for s, want := range map[string]string{"1385.2500": "55410/40", "0.00072": "72/100000", "1": "1/1"} {
		r, err := ParseRate(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		w, _ := new(big.Rat).SetString(want)
		if r.Cmp(w) != 0 {
			t.Errorf("%q = %s, want %s", s, r.RatString(), w.RatString())
		}
	}
	for _, s := range []string{"", "0", "0.000", "-1", "1e3", " 1", "1.", ".5", "1,5", "12345678901234567890123456789012345678901"} {
		if _, err := ParseRate(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

// KRW (exponent 0) to USD (2) at 1385.25 KRW per USD: 1,000,000 KRW is
// 721.8913... USD, 72189 cents; a tie rounds to even.
func TestConvertHalfEvenAcrossExponents(t *testing.T) {
	krw, usd := mustLookup(t, "KRW"), mustLookup(t, "USD")
	perUSD, _ := ParseRate("1385.25")
	usdPerKRW := new(big.Rat).Inv(perUSD)
	f := MinorFactor(krw, usd, usdPerKRW)
	if got, err := Convert(1_000_000, f, HalfEven); err != nil || got != 72189 {
		t.Fatalf("1,000,000 KRW = %d cents (%v), want 72189", got, err)
	}
	half := big.NewRat(1, 2) // every amount lands on a tie
	for amount, want := range map[int64]int64{1: 0, 3: 2, 5: 2, -3: -2} {
		if got, _ := Convert(amount, half, HalfEven); got != want {
			t.Errorf("%d × 1/2 = %d, want %d", amount, got, want)
		}
	}
	kwd := mustLookup(t, "KWD")
	if f := MinorFactor(kwd, usd, big.NewRat(3, 1)); f.Cmp(big.NewRat(3, 10)) != 0 {
		t.Errorf("KWD→USD factor at 3 = %s, want 3/10", f.RatString())
	}
	if _, err := Convert(1, big.NewRat(-1, 1), HalfEven); err == nil {
		t.Error("a negative factor was accepted")
	}
}

func TestParseAmount(t *testing.T) {
	usd, krw := mustLookup(t, "USD"), mustLookup(t, "KRW")
	cases := []struct {
		s    string
		c    Currency
		want int64
	}{{"12.5", usd, 1250}, {"100", usd, 10000}, {"-0.05", usd, -5}, {"1500", krw, 1500}}
	for _, tc := range cases {
		if got, err := ParseAmount(tc.s, tc.c); err != nil || got != tc.want {
			t.Errorf("%q %s = %d (%v), want %d", tc.s, tc.c.Code, got, err, tc.want)
		}
	}
	for _, s := range []string{"1.234", "1.5e2", "", "abc", "99999999999999999999"} {
		if _, err := ParseAmount(s, usd); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	if _, err := ParseAmount("1.5", krw); err == nil {
		t.Error("decimals on a zero-exponent currency accepted")
	}
}

func mustLookup(t *testing.T, code string) Currency {
	t.Helper()
	c, err := Lookup(code)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

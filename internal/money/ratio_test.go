package money

import (
	"encoding/json"
	"math"
	"math/big"
	"math/rand"
	"strings"
	"testing"
	"testing/quick"
)

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in       string
		num, den int64 // expected fraction, unreduced
		str      string
	}{
		{"12.5", 125, 1000, "12.5%"},
		{"12.5%", 125, 1000, "12.5%"},
		{"12.50", 125, 1000, "12.5%"},
		{"0.75", 75, 10000, "0.75%"},
		{"100", 100, 100, "100%"},
		{"100.000", 100, 100, "100%"},
		{"0", 0, 100, "0%"},
		{"0.00000001", 1, 1e10, "0.00000001%"},
		{"007", 7, 100, "7%"},
		{"99.99999999", 9999999999, 1e10, "99.99999999%"},
	}
	for _, tt := range tests {
		r, err := ParsePercent(tt.in)
		if err != nil {
			t.Fatalf("ParsePercent(%q): %v", tt.in, err)
		}
		if got, want := r.Rat(), big.NewRat(tt.num, tt.den); got.Cmp(want) != 0 {
			t.Errorf("ParsePercent(%q) = %s, want %s", tt.in, got, want)
		}
		if r.String() != tt.str {
			t.Errorf("ParsePercent(%q).String() = %q, want %q", tt.in, r.String(), tt.str)
		}
	}
	// 12.5% is stored as 125/1000, not reduced, so the stated scale survives.
	r, _ := ParsePercent("12.5")
	if r.mantissa != 125 || r.denominator().Int64() != 1000 {
		t.Errorf("12.5 stored as %d/%s", r.mantissa, r.denominator())
	}
}

func TestParsePercentRejects(t *testing.T) {
	bad := map[string]string{
		"":             "empty",
		"%":            "empty",
		"-1":           "negative",
		"-0":           "negative",
		"100.00000001": "above 100",
		"101":          "above 100",
		"1000":         "above 100",
		"1e2":          "plain decimal",
		"abc":          "plain decimal",
		"+5":           "plain decimal",
		" 5":           "plain decimal",
		"5 ":           "plain decimal",
		"5%%":          "plain decimal",
		"1.2.3":        "plain decimal",
		".5":           "both sides",
		"5.":           "both sides",
		"1.123456789":  "decimal places",
		"0x10":         "plain decimal",
		"NaN":          "plain decimal",
		"١٢":           "plain decimal",
	}
	for in, want := range bad {
		_, err := ParsePercent(in)
		if err == nil {
			t.Errorf("ParsePercent(%q): want error", in)
			continue
		}
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `"`+in+`"`) {
			t.Errorf("ParsePercent(%q) error %q: want mention of %q and the input", in, err, want)
		}
	}
}

func TestRatioApply(t *testing.T) {
	tests := []struct {
		pct    string
		amount int64
		mode   RoundingMode
		want   int64
	}{
		{"12.5", 123456, HalfEven, 15432}, // 15432.0
		{"12.5", 4, HalfEven, 0},          // 0.5 → 0
		{"12.5", 12, HalfEven, 2},         // 1.5 → 2
		{"12.5", 4, HalfUp, 1},            // 0.5 → 1
		{"12.5", -4, HalfUp, -1},          // -0.5 → -1
		{"12.5", -12, HalfEven, -2},       // -1.5 → -2
		{"12.5", 7, Down, 0},              // 0.875
		{"12.5", 7, Up, 1},                // 0.875
		{"12.5", -7, Up, -1},              // -0.875
		{"100", math.MaxInt64, HalfEven, math.MaxInt64},
		{"100", math.MinInt64, HalfEven, math.MinInt64},
		{"50", math.MinInt64, Down, math.MinInt64 / 2},
		{"0", math.MaxInt64, Up, 0},
		{"33.33333333", 300, HalfEven, 100},                // 99.999999999
		{"0.00000001", math.MaxInt64, HalfEven, 922337204}, // 922337203.685…
	}
	for _, tt := range tests {
		r, err := ParsePercent(tt.pct)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Apply(tt.amount, tt.mode)
		if err != nil {
			t.Fatalf("%s.Apply(%d, %v): %v", r, tt.amount, tt.mode, err)
		}
		if got != tt.want {
			t.Errorf("%s.Apply(%d, %v) = %d, want %d", r, tt.amount, tt.mode, got, tt.want)
		}
	}
	if _, err := (Ratio{mantissa: 1, decimals: 0}).Apply(1, RoundingMode(7)); err == nil {
		t.Error("invalid mode: want error")
	}
}

// randomRatio draws a valid percentage with 0..8 decimals.
func randomRatio(rng *rand.Rand) Ratio {
	d := rng.Intn(maxPercentDecimals + 1)
	return Ratio{mantissa: rng.Int63n(100*pow10(d) + 1), decimals: d}
}

// TestApplyHalfEvenMatchesBigRat compares Apply against a reference that
// rounds the exact big.Rat product half-to-even.
func TestApplyHalfEvenMatchesBigRat(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	prop := func(amount int64) bool {
		r := randomRatio(rng)
		got, err := r.Apply(amount, HalfEven)
		if err != nil {
			t.Logf("%s.Apply(%d): %v", r, amount, err)
			return false
		}
		want := refHalfEven(new(big.Rat).Mul(new(big.Rat).SetInt64(amount), r.Rat()))
		if want.Cmp(big.NewInt(got)) != 0 {
			t.Logf("%s.Apply(%d) = %d, want %s", r, amount, got, want)
			return false
		}
		return true
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 20000, Rand: rng}); err != nil {
		t.Fatal(err)
	}
}

// refHalfEven rounds x to the nearest integer, ties to even, by a different
// route from roundQuo: floor, then compare the fractional part with 1/2.
func refHalfEven(x *big.Rat) *big.Int {
	floor := new(big.Int).Div(x.Num(), x.Denom()) // Euclidean: floor for positive denominators
	frac := new(big.Rat).Sub(x, new(big.Rat).SetInt(floor))
	switch frac.Cmp(big.NewRat(1, 2)) {
	case 1:
		floor.Add(floor, big.NewInt(1))
	case 0:
		if floor.Bit(0) == 1 {
			floor.Add(floor, big.NewInt(1))
		}
	}
	return floor
}

func TestRatioTextRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for range 2000 {
		r := randomRatio(rng)
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back Ratio
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("unmarshal %s: %v", b, err)
		}
		// randomRatio may carry trailing zeros ("12.50%"); after one round
		// trip the value is canonical and must then survive exactly (==).
		if back.Rat().Cmp(r.Rat()) != 0 {
			t.Fatalf("round trip %s → %s → %s", r, b, back)
		}
		again, _ := json.Marshal(back)
		var twice Ratio
		if err := json.Unmarshal(again, &twice); err != nil || twice != back {
			t.Fatalf("canonical %s did not round trip: %v, %v", again, twice, err)
		}
	}
	var r Ratio
	if err := json.Unmarshal([]byte(`"101%"`), &r); err == nil {
		t.Error("unmarshal 101%: want error")
	}
}

package money

import (
	"math"
	"math/big"
	"math/rand"
	"testing"
)

func TestDivideTies(t *testing.T) {
	// Each row is num/den = x.5 or a plain fraction, checked in all modes.
	tests := []struct {
		num, den                   int64
		halfEven, halfUp, down, up int64
	}{
		{5, 2, 2, 3, 2, 3},      // 2.5
		{7, 2, 4, 4, 3, 4},      // 3.5
		{-5, 2, -2, -3, -2, -3}, // -2.5
		{-7, 2, -4, -4, -3, -4}, // -3.5
		{1, 2, 0, 1, 0, 1},      // 0.5
		{-1, 2, 0, -1, 0, -1},   // -0.5
		{10, 4, 2, 3, 2, 3},     // 2.5
		{7, 3, 2, 2, 2, 3},      // 2.33
		{-7, 3, -2, -2, -2, -3}, // -2.33
		{8, 3, 3, 3, 2, 3},      // 2.67
		{-8, 3, -3, -3, -2, -3}, // -2.67
		{6, 3, 2, 2, 2, 2},      // exact
		{0, 7, 0, 0, 0, 0},      // zero
		{math.MaxInt64, 1, math.MaxInt64, math.MaxInt64, math.MaxInt64, math.MaxInt64},
		{math.MinInt64, 2, math.MinInt64 / 2, math.MinInt64 / 2, math.MinInt64 / 2, math.MinInt64 / 2},
		{math.MaxInt64, 2, math.MaxInt64/2 + 1, math.MaxInt64/2 + 1, math.MaxInt64 / 2, math.MaxInt64/2 + 1},
	}
	for _, tt := range tests {
		for mode, want := range map[RoundingMode]int64{HalfEven: tt.halfEven, HalfUp: tt.halfUp, Down: tt.down, Up: tt.up} {
			got, err := Divide(tt.num, tt.den, mode)
			if err != nil {
				t.Fatalf("Divide(%d, %d, %v): %v", tt.num, tt.den, mode, err)
			}
			if got != want {
				t.Errorf("Divide(%d, %d, %v) = %d, want %d", tt.num, tt.den, mode, got, want)
			}
		}
	}
}

func TestDivideErrors(t *testing.T) {
	if _, err := Divide(1, 0, HalfEven); err == nil {
		t.Error("den 0: want error")
	}
	if _, err := Divide(1, -2, HalfEven); err == nil {
		t.Error("negative den: want error")
	}
	if _, err := Divide(1, 3, RoundingMode(42)); err == nil {
		t.Error("invalid mode: want error")
	}
}

// TestDivideTiesProperty checks every mode on random ±(k + 1/2) ties and
// that rounding is sign symmetric for arbitrary quotients.
func TestDivideTiesProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for range 5000 {
		k := rng.Int63n(1 << 40)
		num := 2*k + 1 // (2k+1)/2 = k + 0.5
		even := k
		if k%2 == 1 {
			even = k + 1
		}
		want := map[RoundingMode]int64{HalfEven: even, HalfUp: k + 1, Down: k, Up: k + 1}
		for mode, w := range want {
			if got, _ := Divide(num, 2, mode); got != w {
				t.Fatalf("Divide(%d, 2, %v) = %d, want %d", num, mode, got, w)
			}
			if got, _ := Divide(-num, 2, mode); got != -w {
				t.Fatalf("Divide(%d, 2, %v) = %d, want %d", -num, mode, got, -w)
			}
		}

		n, d := rng.Int63()-rng.Int63(), rng.Int63n(1e6)+1
		for _, mode := range []RoundingMode{HalfEven, HalfUp, Down, Up} {
			a, _ := Divide(n, d, mode)
			b, _ := Divide(-n, d, mode)
			if a != -b {
				t.Fatalf("Divide not symmetric: %d/%d → %d, %d/%d → %d (%v)", n, d, a, -n, d, b, mode)
			}
			checkBounds(t, n, d, a, mode)
		}
	}
}

// checkBounds verifies got against the exact quotient using big.Rat.
func checkBounds(t *testing.T, n, d, got int64, mode RoundingMode) {
	t.Helper()
	exact := new(big.Rat).SetFrac64(n, d)
	diff := new(big.Rat).Sub(new(big.Rat).SetInt64(got), exact)
	abs := new(big.Rat).Abs(diff)
	switch mode {
	case HalfEven, HalfUp:
		if abs.Cmp(big.NewRat(1, 2)) > 0 {
			t.Fatalf("%d/%d %v = %d, more than 1/2 from exact", n, d, mode, got)
		}
	case Down, Up:
		if abs.Cmp(big.NewRat(1, 1)) >= 0 {
			t.Fatalf("%d/%d %v = %d, a whole unit from exact", n, d, mode, got)
		}
		// Down never moves away from zero, Up never toward it.
		away := diff.Sign()*exact.Sign() > 0
		if (mode == Down && away) || (mode == Up && diff.Sign() != 0 && !away) {
			t.Fatalf("%d/%d %v = %d rounds the wrong way", n, d, mode, got)
		}
	}
}

package money

import (
	"math/big"
	"testing"
)

func TestRoundRatMatchesDivide(t *testing.T) {
	for _, f := range [][2]int64{{5, 2}, {-5, 2}, {7, 3}, {-8, 3}, {0, 9}, {6, 3}} {
		want, err := Divide(f[0], f[1], HalfEven)
		if err != nil {
			t.Fatal(err)
		}
		got, err := RoundRat(big.NewRat(f[0], f[1]), HalfEven)
		if err != nil || got != want {
			t.Errorf("RoundRat(%d/%d) = %d, %v; want %d", f[0], f[1], got, err, want)
		}
	}
	huge := new(big.Rat).SetFrac(new(big.Int).Lsh(big.NewInt(1), 70), big.NewInt(1))
	if _, err := RoundRat(huge, HalfEven); err == nil {
		t.Error("2^70 rounded into int64")
	}
}

package money

import (
	"fmt"
	"math/big"
)

// maxExponent bounds decimal exponents; 10^18 is the largest power of ten
// that fits in int64, and no real feed needs more.
const maxExponent = 18

// Rescale converts an amount counted in units of 10^-fromExp to units of
// 10^-toExp, rounding by mode when precision is lost. Use it when a provider
// reports more precision than the currency has, e.g. KRW ×100000 (fromExp 5)
// to whole won (toExp 0). Gaining precision is exact but may overflow.
func Rescale(amount int64, fromExp, toExp int, mode RoundingMode) (int64, error) {
	for _, e := range []int{fromExp, toExp} {
		if e < 0 || e > maxExponent {
			return 0, fmt.Errorf("rescale %d from exponent %d to %d: exponent %d outside 0..%d",
				amount, fromExp, toExp, e, maxExponent)
		}
	}
	var q *big.Int
	var err error
	if toExp >= fromExp {
		q = new(big.Int).Mul(big.NewInt(amount), big.NewInt(pow10(toExp-fromExp)))
	} else {
		q, err = roundQuo(big.NewInt(amount), big.NewInt(pow10(fromExp-toExp)), mode)
	}
	if err == nil {
		var v int64
		if v, err = toInt64(q); err == nil {
			return v, nil
		}
	}
	return 0, fmt.Errorf("rescale %d from exponent %d to %d: %w", amount, fromExp, toExp, err)
}

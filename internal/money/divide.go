package money

import (
	"fmt"
	"math/big"
)

// Divide returns num/den rounded to an integer by mode. den must be
// positive. Rounding is sign symmetric: Divide(-x, d) == -Divide(x, d) for
// every mode.
func Divide(num, den int64, mode RoundingMode) (int64, error) {
	if den <= 0 {
		return 0, fmt.Errorf("divide %d by %d: denominator must be positive", num, den)
	}
	q, err := roundQuo(big.NewInt(num), big.NewInt(den), mode)
	if err != nil {
		return 0, fmt.Errorf("divide %d by %d: %w", num, den, err)
	}
	return toInt64(q)
}

// roundQuo is the rounding core shared by Divide, Ratio.Apply and Rescale;
// it works on big integers so intermediate products never overflow. d > 0.
func roundQuo(n, d *big.Int, mode RoundingMode) (*big.Int, error) {
	if !mode.valid() {
		return nil, fmt.Errorf("invalid rounding mode %d", int(mode))
	}
	q, r := new(big.Int).QuoRem(n, d, new(big.Int)) // truncated toward zero
	if r.Sign() == 0 {
		return q, nil
	}
	away := false
	switch mode {
	case Down:
	case Up:
		away = true
	case HalfUp, HalfEven:
		twice := new(big.Int).Abs(r)
		twice.Lsh(twice, 1)
		switch c := twice.Cmp(d); {
		case c > 0:
			away = true
		case c == 0:
			away = mode == HalfUp || q.Bit(0) == 1
		}
	}
	if away {
		q.Add(q, big.NewInt(int64(n.Sign())))
	}
	return q, nil
}

func toInt64(x *big.Int) (int64, error) {
	if !x.IsInt64() {
		return 0, fmt.Errorf("result %s overflows int64", x)
	}
	return x.Int64(), nil
}

package money

import (
	"fmt"
	"math/big"
)

// RoundRat returns the exact fraction r rounded to an integer by mode, for
// results of exact arithmetic over many amounts (a mean, a ratio in basis
// points) that must come back as whole units.
func RoundRat(r *big.Rat, mode RoundingMode) (int64, error) {
	q, err := roundQuo(r.Num(), r.Denom(), mode)
	if err != nil {
		return 0, fmt.Errorf("round %s: %w", r.RatString(), err)
	}
	return toInt64(q)
}

package money

import (
	"fmt"
	"math/big"
	"sort"
)

// Allocate splits total into parts proportional to weights by the
// largest-remainder method: each part starts as floor(|total|·w/Σw) and the
// few units left over go one each to the parts with the largest remainders,
// ties to the lower index. The parts therefore always sum to total exactly,
// and the result depends only on the inputs. A negative total is allocated
// as |total| and negated, so splitting a refund mirrors splitting a charge.
func Allocate(total int64, weights []int64) ([]int64, error) {
	if len(weights) == 0 {
		return nil, fmt.Errorf("allocate %d: no weights", total)
	}
	sum := new(big.Int)
	for i, w := range weights {
		if w < 0 {
			return nil, fmt.Errorf("allocate %d: weight %d at index %d is negative", total, w, i)
		}
		sum.Add(sum, big.NewInt(w))
	}
	if sum.Sign() == 0 {
		return nil, fmt.Errorf("allocate %d: all %d weights are zero", total, len(weights))
	}

	// Work on |total| in big.Int: |MinInt64| does not fit in int64.
	abs := new(big.Int).Abs(big.NewInt(total))
	parts := make([]*big.Int, len(weights))
	rems := make([]*big.Int, len(weights))
	left := new(big.Int).Set(abs)
	for i, w := range weights {
		prod := new(big.Int).Mul(abs, big.NewInt(w))
		parts[i], rems[i] = new(big.Int).QuoRem(prod, sum, new(big.Int))
		left.Sub(left, parts[i])
	}

	// left < len(weights) because each dropped fraction is < 1.
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return rems[order[a]].Cmp(rems[order[b]]) > 0
	})
	for k := int64(0); k < left.Int64(); k++ {
		parts[order[k]].Add(parts[order[k]], big.NewInt(1))
	}

	out := make([]int64, len(weights))
	for i, p := range parts {
		if total < 0 {
			p.Neg(p)
		}
		// Every part is bounded by |total|, and a negated part of magnitude
		// 2^63 is exactly MinInt64, so this cannot fail; keep the check anyway.
		v, err := toInt64(p)
		if err != nil {
			return nil, fmt.Errorf("allocate %d: part %d: %w", total, i, err)
		}
		out[i] = v
	}
	return out, nil
}

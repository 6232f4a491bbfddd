package money

import (
	"math"
	"math/big"
	"math/rand"
	"reflect"
	"testing"
)

func TestAllocate(t *testing.T) {
	tests := []struct {
		total   int64
		weights []int64
		want    []int64
	}{
		{100, []int64{1, 1, 1}, []int64{34, 33, 33}},
		{-100, []int64{1, 1, 1}, []int64{-34, -33, -33}},
		{5, []int64{1, 1}, []int64{3, 2}},
		{10, []int64{70, 30}, []int64{7, 3}},
		{1, []int64{0, 1, 1}, []int64{0, 1, 0}},
		{2, []int64{0, 1, 1}, []int64{0, 1, 1}},
		{7, []int64{0, 5}, []int64{0, 7}},
		{0, []int64{3, 4}, []int64{0, 0}},
		{101, []int64{1, 2, 7}, []int64{10, 20, 71}}, // 10.1, 20.2, 70.7
		{math.MaxInt64, []int64{1, 1}, []int64{math.MaxInt64/2 + 1, math.MaxInt64 / 2}},
		{math.MinInt64, []int64{1}, []int64{math.MinInt64}},
		{math.MinInt64, []int64{1, 1}, []int64{math.MinInt64 / 2, math.MinInt64 / 2}},
		{3, []int64{math.MaxInt64, math.MaxInt64, math.MaxInt64}, []int64{1, 1, 1}},
	}
	for _, tt := range tests {
		got, err := Allocate(tt.total, tt.weights)
		if err != nil {
			t.Fatalf("Allocate(%d, %v): %v", tt.total, tt.weights, err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Allocate(%d, %v) = %v, want %v", tt.total, tt.weights, got, tt.want)
		}
	}
}

func TestAllocateErrors(t *testing.T) {
	for _, w := range [][]int64{nil, {}, {1, -1}, {0, 0}} {
		if _, err := Allocate(10, w); err == nil {
			t.Errorf("Allocate(10, %v): want error", w)
		}
	}
}

// TestAllocateProperties checks, for random inputs, that the parts sum to
// the total, each part is within one unit of its exact share, zero weights
// get nothing, and negating the total negates every part.
func TestAllocateProperties(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for range 5000 {
		var total int64
		switch rng.Intn(3) {
		case 0:
			total = rng.Int63n(2001) - 1000
		case 1:
			total = rng.Int63() - rng.Int63()
		default:
			total = []int64{math.MaxInt64, math.MinInt64, math.MinInt64 + 1}[rng.Intn(3)]
		}
		weights := make([]int64, rng.Intn(12)+1)
		for i := range weights {
			if rng.Intn(4) == 0 {
				continue
			}
			if rng.Intn(2) == 0 {
				weights[i] = rng.Int63n(10)
			} else {
				weights[i] = rng.Int63()
			}
		}
		weights[rng.Intn(len(weights))] = rng.Int63n(1000) + 1
		parts, err := Allocate(total, weights)
		if err != nil {
			t.Fatalf("Allocate(%d, %v): %v", total, weights, err)
		}
		sum, wsum := new(big.Int), new(big.Int)
		for i, p := range parts {
			sum.Add(sum, big.NewInt(p))
			wsum.Add(wsum, big.NewInt(weights[i]))
		}
		if sum.Cmp(big.NewInt(total)) != 0 {
			t.Fatalf("Allocate(%d, %v) = %v sums to %s", total, weights, parts, sum)
		}
		for i, p := range parts {
			exact := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(total), big.NewInt(weights[i])), wsum)
			diff := new(big.Rat).Sub(new(big.Rat).SetInt64(p), exact)
			if diff.Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
				t.Fatalf("part %d = %d is a unit or more from exact %s", i, p, exact.FloatString(3))
			}
			if weights[i] == 0 && p != 0 {
				t.Fatalf("zero weight at %d got %d", i, p)
			}
		}
		if total != math.MinInt64 {
			neg, _ := Allocate(-total, weights)
			for i := range parts {
				if neg[i] != -parts[i] {
					t.Fatalf("Allocate(%d) not symmetric at %d: %d vs %d", total, i, parts[i], neg[i])
				}
			}
		}
	}
}

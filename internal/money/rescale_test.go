package money

import (
	"math"
	"testing"
)

func TestRescale(t *testing.T) {
	tests := []struct {
		amount   int64
		from, to int
		mode     RoundingMode
		want     int64
		wantErr  bool
	}{
		{150000000, 5, 0, HalfEven, 1500, false}, // KRW ×100000 → won
		{150050000, 5, 0, HalfEven, 1500, false}, // 1500.5 → even
		{150150000, 5, 0, HalfEven, 1502, false}, // 1501.5 → even
		{150050000, 5, 0, HalfUp, 1501, false},
		{-150050000, 5, 0, HalfUp, -1501, false},
		{123456, 4, 2, Down, 1234, false},
		{123456, 4, 2, Up, 1235, false},
		{1234, 2, 4, HalfEven, 123400, false},
		{1234, 2, 2, HalfEven, 1234, false},
		{math.MaxInt64, 0, 1, HalfEven, 0, true}, // overflow
		{1, 0, 18, HalfEven, 1e18, false},
		{1, 0, 19, HalfEven, 0, true}, // exponent out of range
		{1, -1, 0, HalfEven, 0, true},
		{1, 2, 0, RoundingMode(9), 0, true},
	}
	for _, tt := range tests {
		got, err := Rescale(tt.amount, tt.from, tt.to, tt.mode)
		if (err != nil) != tt.wantErr {
			t.Fatalf("Rescale(%d, %d, %d, %v) err = %v, wantErr %v", tt.amount, tt.from, tt.to, tt.mode, err, tt.wantErr)
		}
		if got != tt.want {
			t.Errorf("Rescale(%d, %d, %d, %v) = %d, want %d", tt.amount, tt.from, tt.to, tt.mode, got, tt.want)
		}
	}
}

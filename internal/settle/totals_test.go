package settle

import (
	"math"
	"strings"
	"testing"
)

func TestGGR(t *testing.T) {
	tests := []struct {
		t    Totals
		want int64
	}{
		{Totals{Bets: 1000, Wins: 600, Rollbacks: 100}, 300},
		{Totals{Bets: 1000, Wins: 1200, Rollbacks: 0}, -200},
		{Totals{Bets: 500, Wins: 0, Rollbacks: 500}, 0},
		{Totals{}, 0},
	}
	for _, tt := range tests {
		if got := tt.t.GGR(); got != tt.want {
			t.Errorf("%+v.GGR() = %d, want %d", tt.t, got, tt.want)
		}
		got, err := tt.t.checkedGGR()
		if err != nil || got != tt.want {
			t.Errorf("%+v.checkedGGR() = %d, %v", tt.t, got, err)
		}
	}
}

func TestCheckedGGRErrors(t *testing.T) {
	for _, tt := range []Totals{
		{Currency: "USD", Bets: -1},
		{Currency: "USD", Wins: -1},
		{Currency: "USD", Rollbacks: -1},
		{Currency: "USD", Wins: math.MaxInt64, Rollbacks: math.MaxInt64},
		{Currency: "USD", Wins: math.MaxInt64, Rollbacks: 2},
	} {
		if _, err := tt.checkedGGR(); err == nil {
			t.Errorf("%+v: want error", tt)
		}
	}
	// MinInt64 itself is representable.
	g, err := (Totals{Wins: math.MaxInt64, Rollbacks: 1}).checkedGGR()
	if err != nil || g != math.MinInt64 {
		t.Errorf("got %d, %v", g, err)
	}
}

func TestTotalsAdd(t *testing.T) {
	a := Totals{Currency: "USD", Bets: 10, Wins: 4, Rollbacks: 1, Count: 3}
	got, err := a.Add(Totals{Currency: "USD", Bets: 5, Wins: 1, Count: 2})
	if err != nil || got != (Totals{Currency: "USD", Bets: 15, Wins: 5, Rollbacks: 1, Count: 5}) {
		t.Errorf("got %+v, %v", got, err)
	}
	if _, err := a.Add(Totals{Currency: "USD", Bets: math.MaxInt64}); err == nil || !strings.Contains(err.Error(), "USD bets 10 + 9223372036854775807 overflows") {
		t.Errorf("overflow: %v", err)
	}
	if _, err := a.Add(Totals{Currency: "EUR"}); err == nil {
		t.Error("added totals of two currencies")
	}
}

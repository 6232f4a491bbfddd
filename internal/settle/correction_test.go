package settle

import (
	"reflect"
	"testing"
)

func TestCorrections(t *testing.T) {
	before := []Totals{{Currency: "USD", Bets: 1000, Wins: 400, Count: 3}, {Currency: "KRW", Bets: 5000, Count: 1},
		{Currency: "EUR", Bets: 10, Count: 1}}
	after := []Totals{{Currency: "KRW", Bets: 5000, Count: 1}, {Currency: "USD", Bets: 1200, Wins: 400, Rollbacks: 50, Count: 5},
		{Currency: "JPY", Bets: 300, Count: 2}}
	got := Corrections(before, after)
	want := []Correction{
		{Currency: "EUR", Before: Totals{Currency: "EUR", Bets: 10, Count: 1}, After: Totals{Currency: "EUR"}},
		{Currency: "JPY", Before: Totals{Currency: "JPY"}, After: Totals{Currency: "JPY", Bets: 300, Count: 2}},
		{Currency: "USD", Before: before[0], After: after[1]},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Corrections = %+v, want %+v", got, want)
	}
	if got[0].Difference() != -10 || got[1].Difference() != 300 || got[2].Difference() != 150 {
		t.Errorf("differences %d %d %d", got[0].Difference(), got[1].Difference(), got[2].Difference())
	}
	if Corrections(before, before) != nil {
		t.Error("unchanged totals gave corrections")
	}
}

package validate

import (
	"reflect"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rules := Rules{
		PeriodStart:   start,
		PeriodEnd:     start.Add(24 * time.Hour),
		KnownCurrency: func(c string) bool { return c == "KRW" || c == "USD" },
		KnownBet:      func(id string) bool { return id == "bet-1" },
	}
	ok := Txn{ID: "t", Type: "bet", Amount: 100, Currency: "KRW", Timestamp: start}
	tests := []struct {
		name    string
		edit    func(*Txn)
		reasons []string
	}{
		{"valid bet", func(*Txn) {}, nil},
		{"zero amount is allowed", func(t *Txn) { t.Amount = 0 }, nil},
		{"unknown currency", func(t *Txn) { t.Currency = "XXX" }, []string{UnknownCurrency}},
		{"negative amount", func(t *Txn) { t.Amount = -1 }, []string{NegativeAmount}},
		{"at period end is outside", func(t *Txn) { t.Timestamp = rules.PeriodEnd }, []string{OutsidePeriod}},
		{"before period start", func(t *Txn) { t.Timestamp = start.Add(-time.Nanosecond) }, []string{OutsidePeriod}},
		{"rollback of known bet", func(t *Txn) { t.Type, t.RefID = "rollback", "bet-1" }, nil},
		{"orphan rollback", func(t *Txn) { t.Type, t.RefID = "rollback", "bet-9" }, []string{OrphanRollback}},
		{"several at once", func(t *Txn) { t.Currency, t.Amount = "XXX", -5 }, []string{UnknownCurrency, NegativeAmount}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			txn := ok
			tc.edit(&txn)
			var got []string
			for _, r := range rules.Check(txn) {
				if r.TransactionID != txn.ID || r.Detail == "" {
					t.Errorf("rejection %+v lacks id or detail", r)
				}
				got = append(got, r.Reason)
			}
			if !reflect.DeepEqual(got, tc.reasons) {
				t.Errorf("reasons = %v, want %v", got, tc.reasons)
			}
		})
	}
}

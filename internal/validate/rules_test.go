package validate

import (
	"reflect"
	"testing"
	"time"
)

var start = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func testRules() Rules {
	return Rules{
		PeriodStart:   start,
		PeriodEnd:     start.Add(24 * time.Hour),
		KnownCurrency: func(c string) bool { return c == "KRW" || c == "USD" },
		SettledElsewhere: func(source, id string) (string, bool) {
			return "2026-10-31", source == "agg" && id == "resent-1"
		},
		EarlierBet: func(source, id string) (SettledBet, bool) {
			switch id {
			case "old-bet":
				return SettledBet{Amount: 100, Currency: "KRW"}, true
			case "old-cancelled":
				return SettledBet{Amount: 100, Currency: "KRW", Cancelled: true}, true
			}
			return SettledBet{}, false
		},
		RollbackSources: func(source string) bool { return source == "agg" },
	}
}

func txn(id, typ, ref string, amount int64, currency string, pos int64) Txn {
	return Txn{Source: "agg", ID: id, Type: typ, Amount: amount, Currency: currency, Timestamp: start, RefID: ref, Pos: pos}
}

func reasonsOf(rejections []Rejection) map[string][]string {
	out := map[string][]string{}
	for _, r := range rejections {
		out[r.TransactionID] = append(out[r.TransactionID], r.Reason)
		if r.Detail == "" || r.Source != "agg" {
			panic("rejection without detail or source")
		}
	}
	return out
}

func TestCheckAllSingleRecordRules(t *testing.T) {
	ok := txn("t", "bet", "", 100, "KRW", 1)
	tests := []struct {
		name    string
		edit    func(*Txn)
		reasons []string
	}{
		{"valid bet", func(*Txn) {}, nil},
		{"zero amount is allowed", func(t *Txn) { t.Amount = 0 }, nil},
		{"unknown currency", func(t *Txn) { t.Currency = "XXX" }, []string{UnknownCurrency}},
		{"negative amount", func(t *Txn) { t.Amount = -1 }, []string{NegativeAmount}},
		{"at period end is outside", func(t *Txn) { t.Timestamp = start.Add(24 * time.Hour) }, []string{OutsidePeriod}},
		{"before period start", func(t *Txn) { t.Timestamp = start.Add(-time.Nanosecond) }, []string{OutsidePeriod}},
		{"settled in another period", func(t *Txn) { t.ID = "resent-1" }, []string{ResentDuplicate}},
		{"several at once", func(t *Txn) { t.Currency, t.Amount = "XXX", -5 }, []string{UnknownCurrency, NegativeAmount}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := ok
			tc.edit(&x)
			got := reasonsOf(testRules().CheckAll([]Txn{x}))[x.ID]
			if !reflect.DeepEqual(got, tc.reasons) {
				t.Errorf("reasons = %v, want %v", got, tc.reasons)
			}
		})
	}
}

// A rollback cancels the bet it names, in the bet's amount and currency,
// only when the bet itself is accepted, and only once.
func TestCheckAllRollbacks(t *testing.T) {
	txns := []Txn{
		txn("bet-1", "bet", "", 100, "KRW", 1),
		txn("rb-1", "rollback", "bet-1", 100, "KRW", 2),
		txn("rb-1b", "rollback", "bet-1", 100, "KRW", 3), // second cancel in the period
		txn("bet-2", "bet", "", 100, "XXX", 4),           // rejected bet
		txn("rb-2", "rollback", "bet-2", 100, "XXX", 5),  // breaks its own rule and names a rejected bet
		txn("bet-3", "bet", "", 100, "KRW", 6),
		txn("rb-3", "rollback", "bet-3", 150, "KRW", 7),  // larger than its bet
		txn("rb-3b", "rollback", "bet-3", 100, "USD", 8), // another currency
		txn("rb-3c", "rollback", "bet-3", 100, "KRW", 9), // the first valid one cancels it
		txn("rb-4", "rollback", "old-bet", 100, "KRW", 10),
		txn("rb-5", "rollback", "old-cancelled", 100, "KRW", 11),
		txn("rb-6", "rollback", "never", 100, "KRW", 12),
		// A source whose rollbacks cancel nothing never has orphans.
		{Source: "other", ID: "rb-7", Type: "rollback", RefID: "never", Amount: 1, Currency: "KRW", Timestamp: start},
	}
	got := reasonsOf(testRules().CheckAll(txns))
	want := map[string][]string{
		"rb-1b": {DoubleRollback},
		"bet-2": {UnknownCurrency},
		"rb-2":  {UnknownCurrency, RollbackOfRejectedBet},
		"rb-3":  {RollbackMismatch},
		"rb-3b": {RollbackMismatch},
		"rb-5":  {DoubleRollback},
		"rb-6":  {OrphanRollback},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rejections\n got %v\nwant %v", got, want)
	}
}

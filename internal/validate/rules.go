// Package validate holds the business rules (stage 2) a staged transaction
// must pass before it counts towards a settlement. Format checks (stage 1)
// live in each source adapter; this package sees only well-formed records.
package validate

import (
	"fmt"
	"time"
)

// Reason codes recorded in quarantine.
const (
	UnknownCurrency = "UNKNOWN_CURRENCY"
	NegativeAmount  = "NEGATIVE_AMOUNT"
	OutsidePeriod   = "OUTSIDE_PERIOD"
	OrphanRollback  = "ORPHAN_ROLLBACK"
)

// Txn is the part of a staged transaction the rules look at.
type Txn struct {
	ID        string
	Type      string
	Amount    int64
	Currency  string
	Timestamp time.Time
	RefID     string
}

// Rejection says why one transaction was refused.
type Rejection struct {
	TransactionID string
	Reason        string
	Detail        string
}

// Rules checks transactions of one cycle. KnownCurrency and KnownBet are
// lookups the caller provides, so the rules stay free of storage.
type Rules struct {
	PeriodStart   time.Time
	PeriodEnd     time.Time
	KnownCurrency func(code string) bool
	KnownBet      func(transactionID string) bool
}

// Check returns every rule the transaction breaks; none means accepted.
func (r Rules) Check(t Txn) []Rejection {
	var out []Rejection
	reject := func(reason, format string, args ...any) {
		out = append(out, Rejection{TransactionID: t.ID, Reason: reason, Detail: fmt.Sprintf(format, args...)})
	}
	if !r.KnownCurrency(t.Currency) {
		reject(UnknownCurrency, "currency %q is not a known ISO 4217 code", t.Currency)
	}
	if t.Amount < 0 {
		reject(NegativeAmount, "amount %d is negative", t.Amount)
	}
	if t.Timestamp.Before(r.PeriodStart) || !t.Timestamp.Before(r.PeriodEnd) {
		reject(OutsidePeriod, "timestamp %s is outside the period [%s, %s)",
			t.Timestamp.UTC().Format(time.RFC3339), r.PeriodStart.UTC().Format(time.RFC3339), r.PeriodEnd.UTC().Format(time.RFC3339))
	}
	if t.Type == "rollback" && !r.KnownBet(t.RefID) {
		reject(OrphanRollback, "rollback references bet %q, which is neither in this cycle nor accepted in an earlier one", t.RefID)
	}
	return out
}

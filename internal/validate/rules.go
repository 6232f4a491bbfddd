// Package validate holds the business rules (stage 2) a staged record must
// pass before it counts towards a settlement. Format checks (stage 1) live
// in each source adapter. The store evaluates these rules set-based in SQL
// over a whole cycle; CheckAll states them in Go, as the specification the
// SQL is tested against.
package validate

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Reason codes recorded in quarantine.
const (
	UnknownCurrency = "UNKNOWN_CURRENCY"
	NegativeAmount  = "NEGATIVE_AMOUNT"
	OutsidePeriod   = "OUTSIDE_PERIOD"
	// ResentDuplicate: the record breaks no other rule, but its id was
	// settled by a cycle of another period.
	ResentDuplicate = "RESENT_DUPLICATE"
	// OrphanRollback: the bet is neither in this cycle nor settled earlier.
	OrphanRollback = "ORPHAN_ROLLBACK"
	// RollbackOfRejectedBet: the bet is in this cycle but itself rejected.
	RollbackOfRejectedBet = "ROLLBACK_OF_REJECTED_BET"
	// RollbackMismatch: the rollback's amount or currency is not its bet's.
	RollbackMismatch = "ROLLBACK_MISMATCH"
	// DoubleRollback: the bet was already cancelled, earlier in this cycle
	// or by a settled cycle.
	DoubleRollback = "DOUBLE_ROLLBACK"
	// CurrencyNotCovered: a known currency the agreement of the source's
	// partner does not cover, when the scope quarantines such records.
	CurrencyNotCovered = "CURRENCY_NOT_COVERED"
)

// Game transaction types the rules know.
const (
	TypeBet      = "bet"
	TypeRollback = "rollback"
)

// Txn is the part of a staged record the rules look at.
type Txn struct {
	Source   string
	ID       string
	Type     string
	Amount   int64
	Currency string
	// Timestamp is when the source booked the record: its booked_at when
	// it was booked late, else when it happened. A period holds what was
	// booked in it.
	Timestamp time.Time
	RefID     string
	// Pos is the delivery order: of two rollbacks of one bet, the first
	// delivered cancels it.
	Pos int64
}

// SettledBet is a bet settled by an earlier cycle of the scope.
type SettledBet struct {
	Amount    int64
	Currency  string
	Cancelled bool // a settled rollback already cancelled it
}

// ref names a record of a source.
type ref struct{ source, id string }

// Rejection says why one record was refused.
type Rejection struct {
	Source        string
	TransactionID string
	Reason        string
	Detail        string
}

// Rules checks the records of one cycle. The lookups are the caller's, so
// the rules stay free of storage.
type Rules struct {
	PeriodStart   time.Time
	PeriodEnd     time.Time
	KnownCurrency func(code string) bool
	// SettledElsewhere reports the period of another cycle of the scope
	// that settled this id of this source, if any.
	SettledElsewhere func(source, id string) (period string, ok bool)
	// EarlierBet finds a bet of the source settled in an earlier period.
	EarlierBet func(source, id string) (SettledBet, bool)
	// RollbackSources says which sources' rollbacks cancel bets.
	RollbackSources func(source string) bool
	// Covered says whether the agreement of a source's partner covers a
	// currency; nil covers every currency.
	Covered func(source, currency string) bool
}

// basic returns the rules one record breaks on its own.
func (r Rules) basic(t Txn) []Rejection {
	var out []Rejection
	reject := func(reason, format string, args ...any) {
		out = append(out, Rejection{Source: t.Source, TransactionID: t.ID, Reason: reason, Detail: fmt.Sprintf(format, args...)})
	}
	if !r.KnownCurrency(t.Currency) {
		reject(UnknownCurrency, "currency %q is not a known ISO 4217 code", t.Currency)
	}
	if r.KnownCurrency(t.Currency) && r.Covered != nil && !r.Covered(t.Source, t.Currency) {
		reject(CurrencyNotCovered, "currency %s is not covered by the agreement of this source's partner", t.Currency)
	}
	if t.Amount < 0 {
		reject(NegativeAmount, "amount %d is negative", t.Amount)
	}
	if t.Timestamp.Before(r.PeriodStart) || !t.Timestamp.Before(r.PeriodEnd) {
		reject(OutsidePeriod, "timestamp %s is outside the period [%s, %s)", t.Timestamp.UTC().Format(time.RFC3339),
			r.PeriodStart.UTC().Format(time.RFC3339), r.PeriodEnd.UTC().Format(time.RFC3339))
	}
	return out
}

// resent refuses a record that breaks no other rule but whose id another
// cycle of the scope settled first: settling it again would pay it twice.
func (r Rules) resent(t Txn, others []Rejection) []Rejection {
	if len(others) > 0 {
		return others
	}
	if period, ok := r.SettledElsewhere(t.Source, t.ID); ok {
		return []Rejection{{Source: t.Source, TransactionID: t.ID, Reason: ResentDuplicate,
			Detail: fmt.Sprintf("id %q was already settled in period %s", t.ID, period)}}
	}
	return nil
}

// CheckAll returns every rule each record breaks; a record with none is
// accepted. A rollback cancels the bet it names — one accepted in this
// cycle, or settled in an earlier period — in that bet's amount and
// currency, and a bet is cancelled at most once.
func (r Rules) CheckAll(txns []Txn) []Rejection {
	bets := map[ref]Txn{}
	rejectedBet := map[ref]bool{}
	var out []Rejection
	for _, t := range txns {
		rej := r.basic(t)
		// A re-sent bet is the one settled before: a rollback naming it
		// cancels that one, so it is not one of this cycle's bets.
		if _, resent := r.SettledElsewhere(t.Source, t.ID); t.Type == TypeBet && !resent {
			bets[ref{t.Source, t.ID}] = t
			rejectedBet[ref{t.Source, t.ID}] = len(rej) > 0
		}
		if t.Type != TypeRollback || !r.RollbackSources(t.Source) {
			out = append(out, r.resent(t, rej)...)
		}
	}
	rollbacks := slices.DeleteFunc(slices.Clone(txns), func(t Txn) bool {
		return t.Type != TypeRollback || !r.RollbackSources(t.Source)
	})
	slices.SortStableFunc(rollbacks, func(a, b Txn) int { return cmp.Compare(a.Pos, b.Pos) })
	// A bet is cancelled by the first rollback, in delivery order, that
	// passes every other rule; any later one is a double rollback.
	cancelled := map[ref]bool{}
	for _, t := range rollbacks {
		rej := r.basic(t)
		why, settledCancelled := r.rollback(t, bets, rejectedBet)
		// A rollback with a bad amount or currency of its own differs from
		// its bet because of that: the mismatch would say nothing more.
		if why != nil && (why.Reason != RollbackMismatch || len(rej) == 0) {
			rej = append(rej, *why)
		}
		if len(rej) == 0 && (settledCancelled || cancelled[ref{t.Source, t.RefID}]) {
			rej = append(rej, Rejection{Source: t.Source, TransactionID: t.ID, Reason: DoubleRollback,
				Detail: fmt.Sprintf("bet %q is already cancelled", t.RefID)})
		}
		if len(rej) == 0 {
			cancelled[ref{t.Source, t.RefID}] = true
		}
		out = append(out, r.resent(t, rej)...)
	}
	return out
}

// rollback decides a rollback's own rule: the bet it cancels must exist,
// be accepted and match it. It also reports whether a settled rollback
// already cancelled that bet.
func (r Rules) rollback(t Txn, bets map[ref]Txn, rejected map[ref]bool) (*Rejection, bool) {
	key := ref{t.Source, t.RefID}
	reject := func(reason, format string, args ...any) *Rejection {
		return &Rejection{Source: t.Source, TransactionID: t.ID, Reason: reason, Detail: fmt.Sprintf(format, args...)}
	}
	var amount int64
	var currency string
	settledCancelled := false
	if b, ok := bets[key]; ok {
		if rejected[key] {
			return reject(RollbackOfRejectedBet, "rollback cancels bet %q, which is itself rejected", t.RefID), false
		}
		amount, currency = b.Amount, b.Currency
	} else if s, ok := r.EarlierBet(t.Source, t.RefID); ok {
		amount, currency, settledCancelled = s.Amount, s.Currency, s.Cancelled
	} else {
		return reject(OrphanRollback, "rollback references bet %q, which is neither in this cycle nor settled in an earlier one", t.RefID), false
	}
	if t.Amount != amount || t.Currency != currency {
		return reject(RollbackMismatch, "rollback of %d %s cancels bet %q of %d %s", t.Amount, t.Currency, t.RefID, amount, currency), false
	}
	return nil, settledCancelled
}

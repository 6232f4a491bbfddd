package sim

import "time"

// Invalid records are inserted next to the valid ones rather than replacing
// them, so the valid set is identical with and without the fault and no
// rollback loses its bet as a side effect (see ExpectedValid).

// Invalid kinds, cycled in this order within each UTC day.
const (
	InvalidCurrency    = "unknown_currency"  // currency "XXX"
	InvalidNegative    = "negative_amount"   // amount < 0
	InvalidOutOfPeriod = "out_of_period"     // timestamp 90 days before its origin
	InvalidDanglingRef = "dangling_rollback" // rollback of a bet that does not exist
	InvalidMissingID   = "missing_id"        // empty transaction_id (format error)
	InvalidType        = "unknown_type"      // type "bonus" (format error)
)

var invalidKinds = []string{
	InvalidCurrency, InvalidNegative, InvalidOutOfPeriod,
	InvalidDanglingRef, InvalidMissingID, InvalidType,
}

// Kinds as stored in an entry (1 + position in invalidKinds), and the one
// kind past them: an orphan rollback (a break, not a fault).
const (
	kindOutOfPeriod = 3
	kindMissingID   = 5
	kindOrphan      = 7
)

// outOfPeriodShift places an out-of-period record before its origin, the
// instant of the valid record it was derived from. The record is served by
// whichever request's [from, to) holds its origin, so a period pulled as
// several time slices gets it exactly once; 90 days back is outside every
// daily, weekly or monthly period that holds the origin, and, unlike a
// timestamp relative to the request, the same for every slicing.
const outOfPeriodShift = 90 * 24 * time.Hour

// invalidAfter reports whether an invalid record follows the day's p-th
// valid record (0-based, in sorted order), and its kind as stored in an
// entry. Every Nth record of the day's stream is invalid, so one follows
// every N-1 valid records (N=1 acts as N=2), and kinds cycle per day.
func invalidAfter(p, every int) (int, bool) {
	switch {
	case every <= 0:
		return 0, false
	case every <= 2:
		return 1 + p%len(invalidKinds), true
	case (p+1)%(every-1) == 0:
		return 1 + ((p+1)/(every-1)-1)%len(invalidKinds), true
	}
	return 0, false
}

// invalidCount is how many invalid records a day of valid records gets.
func invalidCount(valid, every int) int {
	switch {
	case every <= 0:
		return 0
	case every <= 2:
		return valid
	}
	return valid / (every - 1)
}

// placeInvalid returns the day's served index given its sorted valid
// records and second groups, and the length of its out-of-period block. An
// invalid record shares its origin's timestamp and has its id plus "-x",
// which sorts right after the origin; two kinds sort elsewhere: a missing
// id ("") sorts first among its second, and an out-of-period record sorts
// before the whole day. An orphan rollback (orphan reports which records
// get one; nil for none) has its origin's id plus "-o", so it sorts between
// the origin and an invalid record derived from it.
func placeInvalid(valid []entry, starts []int32, every int, orphan func(entry) bool) ([]entry, int) {
	if every <= 0 && orphan == nil {
		return valid, 0
	}
	kind := func(p int) int { k, _ := invalidAfter(p, every); return k }
	index := make([]entry, 0, len(valid)+invalidCount(len(valid), every))
	for p, e := range valid {
		if kind(p) == kindOutOfPeriod {
			index = append(index, e.withKind(kindOutOfPeriod))
		}
	}
	oop := len(index)
	for s := range secondsPerDay {
		lo, hi := int(starts[s]), int(starts[s+1])
		for p := lo; p < hi; p++ {
			if kind(p) == kindMissingID {
				index = append(index, valid[p].withKind(kindMissingID))
			}
		}
		for p := lo; p < hi; p++ {
			index = append(index, valid[p])
			if orphan != nil && orphan(valid[p]) {
				index = append(index, valid[p].withKind(kindOrphan))
			}
			if k := kind(p); k != 0 && k != kindOutOfPeriod && k != kindMissingID {
				index = append(index, valid[p].withKind(k))
			}
		}
	}
	return index, oop
}

// orphanOf derives an orphan rollback from a valid record: a rollback, under
// a fresh id, of a bet id (ref) that no record has.
func orphanOf(tx Transaction, ref string) Transaction {
	o := tx
	o.TransactionID = tx.TransactionID + "-o"
	o.Type = TypeRollback
	o.RefTransactionID = ref
	return o
}

// corrupt derives an invalid record from a valid one under a fresh id, so it
// never collides with (and never conflicts with) a real record.
func corrupt(tx Transaction, kind string) Transaction {
	bad := tx
	bad.TransactionID = tx.TransactionID + "-x"
	switch kind {
	case InvalidCurrency:
		bad.Currency = "XXX"
	case InvalidNegative:
		bad.Amount = -tx.Amount
	case InvalidOutOfPeriod:
		bad.Timestamp = tx.Timestamp.Add(-outOfPeriodShift)
	case InvalidDanglingRef:
		bad.Type = TypeRollback
		bad.RefTransactionID = "t-missing-" + tx.TransactionID
	case InvalidMissingID:
		bad.TransactionID = ""
	case InvalidType:
		bad.Type = "bonus"
		bad.RefTransactionID = ""
	}
	return bad
}

// InvalidTransaction is an injected invalid record and the fault that made it.
type InvalidTransaction struct {
	Transaction
	Kind string
}

// InjectedInvalid lists the invalid records GenerateTransactions includes for
// the period, in the same order, so tests can assert per-reason counts.
func InjectedInvalid(cfg ProviderConfig, from, to time.Time) []InvalidTransaction {
	var out []InvalidTransaction
	eachRecord(cfg, from, to, func(tx Transaction, kind string) {
		if kind != "" {
			out = append(out, InvalidTransaction{Transaction: tx, Kind: kind})
		}
	})
	return out
}

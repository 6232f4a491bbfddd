package sim

import "time"

// Invalid records are inserted next to the valid ones rather than replacing
// them, so the valid set is identical with and without the fault and no
// rollback loses its bet as a side effect (see ExpectedValid).

// Invalid kinds, cycled in this order within each UTC day.
const (
	InvalidCurrency    = "unknown_currency"  // currency "XXX"
	InvalidNegative    = "negative_amount"   // amount < 0
	InvalidOutOfPeriod = "out_of_period"     // timestamp 1h before the requested from
	InvalidDanglingRef = "dangling_rollback" // rollback of a bet that does not exist
	InvalidMissingID   = "missing_id"        // empty transaction_id (format error)
	InvalidType        = "unknown_type"      // type "bonus" (format error)
)

var invalidKinds = []string{
	InvalidCurrency, InvalidNegative, InvalidOutOfPeriod,
	InvalidDanglingRef, InvalidMissingID, InvalidType,
}

// pending is a generated record before the requested period is known: origin
// decides whether it belongs to [from, to), and the out-of-period kind needs
// from to place itself outside it.
type pending struct {
	Transaction
	origin time.Time
	kind   string
}

// finish resolves the period-dependent part of an invalid record. Because the
// out-of-period record lands at from-1h, it is the one record whose timestamp
// (and thus position) differs between a sub-range and the full range.
func (p pending) finish(from time.Time) Transaction {
	if p.kind == InvalidOutOfPeriod {
		p.Timestamp = from.Add(-time.Hour)
	}
	return p.Transaction
}

// withInvalid interleaves one invalid record after every N-1 valid ones of the
// day, so every Nth record of the day's stream is invalid (N=1 acts as N=2).
func withInvalid(cfg ProviderConfig, day []Transaction) []pending {
	n := cfg.Faults.InvalidEvery
	out := make([]pending, 0, len(day)+len(day)/max(n, 1)+1)
	injected := 0
	for i, tx := range day {
		out = append(out, pending{Transaction: tx, origin: tx.Timestamp})
		if n <= 0 {
			continue
		}
		if n == 1 || (i+1)%(n-1) == 0 {
			kind := invalidKinds[injected%len(invalidKinds)]
			injected++
			out = append(out, pending{Transaction: corrupt(tx, kind), origin: tx.Timestamp, kind: kind})
		}
	}
	return out
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
// the period, sorted the same way, so tests can assert per-reason counts.
func InjectedInvalid(cfg ProviderConfig, from, to time.Time) []InvalidTransaction {
	var out []InvalidTransaction
	for _, p := range generate(cfg, from, to) {
		if p.kind != "" {
			out = append(out, InvalidTransaction{Transaction: p.Transaction, Kind: p.kind})
		}
	}
	return out
}

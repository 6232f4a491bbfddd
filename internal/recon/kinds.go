// Package recon decides reconciliation: the pairs of sources a scope
// matches, how two records (or a group and a record) compare, which breaks
// tolerances auto-resolve, how breaks rank, how FX values them in the
// scope's reporting currency, when open breaks gate a cycle, and which
// resolutions an operator may apply. It imports neither Temporal nor pgx:
// the store runs the same decisions set-based in SQL, and its tests hold
// the SQL to the Go stated here.
package recon

// Kinds of discrepancy: the reason code every break carries. Stored words;
// their spelling never changes.
const (
	// MissingLeft: a right record (or group) with no left counterpart.
	MissingLeft = "MISSING_LEFT"
	// MissingRight: a left record (or group) with no right counterpart.
	MissingRight = "MISSING_RIGHT"
	// AmountMismatch: the amounts differ (a group's net, for N:1 and 1:N).
	AmountMismatch = "AMOUNT_MISMATCH"
	// CurrencyMismatch: the currencies differ, or a group mixes several.
	CurrencyMismatch = "CURRENCY_MISMATCH"
	// TypeMismatch: the right record's type is not the one the left
	// record's type corresponds to.
	TypeMismatch = "TYPE_MISMATCH"
	// TimeMismatch: the two records happened further apart than the pair's
	// time window: one side booked it late.
	TimeMismatch = "TIME_MISMATCH"
	// Duplicate: a second record with the same match key on a side that
	// must hold one per key; the first (earliest, then first delivered)
	// takes part in matching.
	Duplicate = "DUPLICATE"
	// ConflictingDuplicate: a source delivered one id with two contents;
	// the first delivered is staged, the other quarantined. A person
	// decides, so it always gates the cycle.
	ConflictingDuplicate = "CONFLICTING_DUPLICATE"
	// MissingRecords: a source's control totals for a day, currency and
	// type disagree with what was staged.
	MissingRecords = "MISSING_RECORDS"
)

// Kinds lists every kind, most urgent first at equal amounts.
var Kinds = []string{ConflictingDuplicate, MissingRecords, MissingLeft, MissingRight, Duplicate,
	AmountMismatch, CurrencyMismatch, TypeMismatch, TimeMismatch}

// Weight ranks kinds at equal amounts: lower is looked at first. A missing
// record or a duplicate moves the whole amount; a mismatch only part of it;
// a late record none once it arrives.
func Weight(kind string) int {
	for i, k := range Kinds {
		if k == kind {
			return i + 1
		}
	}
	return len(Kinds) + 1
}

// KnownKind reports whether kind is a reason code.
func KnownKind(kind string) bool { return Weight(kind) <= len(Kinds) }

// Sides of a pair.
const (
	Left  = "left"
	Right = "right"
)

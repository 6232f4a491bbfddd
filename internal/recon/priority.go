package recon

import (
	"bytes"

	"github.com/google/uuid"
)

// Ranked is a break as ranking sees it.
type Ranked struct {
	ID   uuid.UUID
	Pair string
	Kind string
	Key  string
	// Reporting is the amount at stake in the reporting currency; Valued
	// is false when no rate could value it.
	Reporting int64
	Valued    bool
}

// Before says whether a is looked at before b. A break whose size is
// unknown comes first (it may be the largest), then the larger amount in
// the reporting currency, then the more urgent kind (see Weight); pair,
// key and ID make the order total. Priority 1 is the first in this order.
func Before(a, b Ranked) bool {
	if a.Valued != b.Valued {
		return !a.Valued
	}
	if a.Reporting != b.Reporting {
		return a.Reporting > b.Reporting
	}
	if wa, wb := Weight(a.Kind), Weight(b.Kind); wa != wb {
		return wa < wb
	}
	if a.Pair != b.Pair {
		return a.Pair < b.Pair
	}
	if a.Key != b.Key {
		return a.Key < b.Key
	}
	return bytes.Compare(a.ID[:], b.ID[:]) < 0
}

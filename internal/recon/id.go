package recon

import "github.com/google/uuid"

// DiscrepancyID is a break's ID: UUID v5 of the cycle (as namespace) and
// the pair, kind and identity (the match key, or a record's id where the
// key cannot tell records apart). A retried reconciliation derives the
// same IDs, so it writes nothing twice. The store computes the same value
// in SQL with uuid_generate_v5.
func DiscrepancyID(cycleID uuid.UUID, pair, kind, identity string) uuid.UUID {
	return uuid.NewSHA1(cycleID, []byte(IdentityName(pair, kind, identity)))
}

// IdentityName is the v5 name DiscrepancyID hashes.
func IdentityName(pair, kind, identity string) string {
	return "discrepancy/" + pair + "/" + kind + "/" + identity
}

// CarriedID is the ID of a break carried into the cycle cycleID.
func CarriedID(cycleID, from uuid.UUID) uuid.UUID {
	return uuid.NewSHA1(cycleID, []byte("carried/"+from.String()))
}

// AdjustmentEntryID is the ID of the journal entry an adjustment posts, so
// repeating the resolution posts it once.
func AdjustmentEntryID(discrepancyID uuid.UUID) uuid.UUID {
	return uuid.NewSHA1(discrepancyID, []byte("journal/adjustment"))
}

// ReversalEntryID is the ID of the entry that reverses an adjustment when
// its cycle is undone.
func ReversalEntryID(adjustmentID uuid.UUID) uuid.UUID {
	return uuid.NewSHA1(adjustmentID, []byte("journal/reversal"))
}

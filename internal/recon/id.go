package recon

import (
	"crypto/sha256"

	"github.com/google/uuid"
)

// DiscrepancyID is a break's ID: a name-based UUID of the cycle (the
// namespace) and the pair, kind and identity (the match key, or a record's
// id where the key cannot tell records apart). A retried reconciliation
// derives the same IDs, so it writes nothing twice. It is version 8, the
// SHA-256 name-based form of RFC 9562 (appendix B.2), because the store
// computes the same value in SQL (settleflow_name_uuid), where core
// PostgreSQL offers SHA-256 and not version 5's SHA-1.
func DiscrepancyID(cycleID uuid.UUID, pair, kind, identity string) uuid.UUID {
	return nameUUID(cycleID, IdentityName(pair, kind, identity))
}

func nameUUID(namespace uuid.UUID, name string) uuid.UUID {
	return uuid.NewHash(sha256.New(), namespace, []byte(name), 8)
}

// IdentityName is the name DiscrepancyID hashes.
func IdentityName(pair, kind, identity string) string {
	return "discrepancy/" + pair + "/" + kind + "/" + identity
}

// CarriedID is the ID of a break carried into the cycle cycleID.
func CarriedID(cycleID, from uuid.UUID) uuid.UUID {
	return nameUUID(cycleID, "carried/"+from.String())
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

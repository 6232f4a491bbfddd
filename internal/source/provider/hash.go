package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// hashVersion is the first line of the canonical encoding; bump it if the
// encoding ever changes so stored hashes are not compared across versions.
const hashVersion = "settleflow/provider/record/v1"

// Hash returns the hex SHA-256 of r's canonical encoding, ignoring r.Hash.
// Two records with the same id but different hashes are conflicting
// duplicates.
//
// Canonical encoding (stable; changing it changes every stored hash):
//
//	"settleflow/provider/record/v1\n" then, for each field in the order
//	transaction_id, round_id, player_id, game_code, type, currency,
//	ref_transaction_id, amount, timestamp:
//	<name> "=" <byte length of value> ":" <value> "\n"
//
// amount is base-10 int64; timestamp is UTC RFC3339Nano, so the same instant
// sent with a different offset hashes the same. Length prefixes make the
// encoding unambiguous whatever bytes the values contain.
func Hash(r Record) string {
	h := sha256.New()
	h.Write([]byte(hashVersion + "\n"))
	for _, f := range [...]struct{ name, value string }{
		{"transaction_id", r.TransactionID},
		{"round_id", r.RoundID},
		{"player_id", r.PlayerID},
		{"game_code", r.GameCode},
		{"type", r.Type},
		{"currency", r.Currency},
		{"ref_transaction_id", r.RefTransactionID},
		{"amount", strconv.FormatInt(r.Amount, 10)},
		{"timestamp", r.Timestamp.UTC().Format(time.RFC3339Nano)},
	} {
		h.Write([]byte(f.name + "=" + strconv.Itoa(len(f.value)) + ":" + f.value + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

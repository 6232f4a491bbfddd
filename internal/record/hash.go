package record

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Hash is the SHA-256 of a record's canonical encoding.
type Hash [32]byte

func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// hashVersion heads the canonical encoding; a change to the encoding must
// change it, so hashes of two encodings are never compared as equal.
const hashVersion = "settleflow/record/v2\n"

// ComputeHash returns the hash of r's canonical encoding, ignoring r.Hash.
//
// Canonical encoding: hashVersion, then for each field in the order kind,
// external_id, reference_id, player, type, currency, amount, occurred_at,
// then every attribute in key order:
//
//	<name> "=" <byte length of value> ":" <value> "\n"
//
// amount is base-10; occurred_at is UTC RFC 3339 with nanoseconds, so the
// same instant sent with another offset hashes the same. The length
// prefixes make the encoding unambiguous whatever bytes the values hold.
func ComputeHash(r *Record) Hash {
	var buf [512]byte
	b := append(buf[:0], hashVersion...)
	b = field(b, "kind", r.Kind)
	b = field(b, "external_id", r.ExternalID)
	b = field(b, "reference_id", r.ReferenceID)
	b = field(b, "player", r.Player)
	b = field(b, "type", r.Type)
	b = field(b, "currency", r.Currency)
	var num [20]byte
	b = field(b, "amount", string(strconv.AppendInt(num[:0], r.Amount, 10)))
	var ts [40]byte
	b = field(b, "occurred_at", string(r.OccurredAt.UTC().AppendFormat(ts[:0], time.RFC3339Nano)))
	for _, a := range r.Attrs {
		b = field(b, "attr."+a.Key, a.Value)
	}
	return sha256.Sum256(b)
}

func field(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, '=')
	b = strconv.AppendInt(b, int64(len(value)), 10)
	b = append(b, ':')
	b = append(b, value...)
	return append(b, '\n')
}

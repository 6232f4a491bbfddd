package record

import (
	"crypto/sha256"
	"encoding/binary"
)

// Key fingerprints a record's identity within one source of one scope: the
// first 8 bytes of SHA-256(scope NUL source NUL externalID), read as a
// big-endian signed integer. Lookups across cycles go by key and confirm
// the id itself, so a collision can never match two different records.
// The store computes the same value in SQL (see store.keySQL).
func Key(scope, source, externalID string) int64 {
	var buf [256]byte
	b := buf[:0]
	if n := len(scope) + len(source) + len(externalID) + 2; n > len(buf) {
		b = make([]byte, 0, n)
	}
	b = append(b, scope...)
	b = append(b, 0)
	b = append(b, source...)
	b = append(b, 0)
	b = append(b, externalID...)
	sum := sha256.Sum256(b)
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

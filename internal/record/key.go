package record

import (
	"crypto/sha256"

	"github.com/google/uuid"
)

// Key is a record's identity within one source of one scope: the first 16
// bytes of SHA-256(scope NUL source NUL externalID), held in a UUID so
// Postgres stores and indexes it in 16 bytes. 128 bits make a collision
// between two different ids practically impossible, which is what lets the
// settled-record registry decide "already settled" on the key alone. The
// store computes the same value in SQL (see store.keySQL).
func Key(scope, source, externalID string) uuid.UUID {
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
	var k uuid.UUID
	copy(k[:], sum[:16])
	return k
}

package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

func columnList(cols []string) string { return strings.Join(cols, ", ") }

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

package access

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
)

// tokenPrefix marks settleflow tokens, so a secret scanner or a person can
// tell one apart from other credentials.
const tokenPrefix = "sft_"

// tokenBytes of randomness: 256 bits, far beyond guessing.
const tokenBytes = 32

// NewSecret returns a fresh random secret (an API token or a session ID)
// and the hash to store in its place.
//
// A plain SHA-256 is the right hash here, not a slow KDF such as bcrypt or
// argon2: those protect low-entropy passwords from guessing, but a secret
// of 256 random bits cannot be guessed from its hash however fast the
// hash is, and a slow hash would cost every API request tens of
// milliseconds of CPU.
func NewSecret() (secret string, hash []byte, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("random token: %w", err)
	}
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, Hash(secret), nil
}

// Hash is what the store keeps of a secret.
func Hash(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// WellFormed says whether s looks like a settleflow secret at all, so a
// malformed one is refused without a database round trip.
func WellFormed(s string) bool {
	rest, ok := strings.CutPrefix(s, tokenPrefix)
	if !ok {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil && len(b) == tokenBytes
}

// SameHash compares two hashes in constant time.
func SameHash(a, b []byte) bool {
	return len(a) == len(b) && subtle.ConstantTimeCompare(a, b) == 1
}

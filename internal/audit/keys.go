// Package audit makes the books tamper-evident with keys the database never
// sees. Every event, journal entry and statement is sealed with an
// HMAC-SHA256 under a key from the environment and chained to the row
// before it, and each chain's head is sealed too. Someone who can rewrite
// the tables, even recomputing plain hashes, cannot forge a seal, so
// verification finds an edited, inserted or deleted row.
//
// The package is pure: it builds the sealed messages and walks chains of
// rows the store reads; it imports neither Temporal nor pgx.
package audit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// MinSecretBytes is the shortest secret accepted: as long as the hash.
const MinSecretBytes = 32

// Key is one HMAC key and the id stored beside every seal made with it, so
// verification picks the right key after a rotation.
type Key struct {
	ID     string
	secret []byte
}

// Keyring holds the key that seals new rows (the first) and every key that
// older rows may have been sealed with.
type Keyring struct {
	keys []Key
}

var keyID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ParseKeyring reads "id:secret[,id:secret...]", secrets in standard
// base64 of at least MinSecretBytes bytes. The first key seals; all verify.
func ParseKeyring(spec string) (*Keyring, error) {
	k := &Keyring{}
	seen := map[string]bool{}
	for i, part := range strings.Split(strings.TrimSpace(spec), ",") {
		id, secret, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, fmt.Errorf("audit key %d: want id:base64-secret", i+1)
		}
		if !keyID.MatchString(id) {
			return nil, fmt.Errorf("audit key %d: id %q must be 1-64 letters, digits, '.', '_' or '-'", i+1, id)
		}
		if seen[id] {
			return nil, fmt.Errorf("audit key %d: id %q appears twice", i+1, id)
		}
		raw, err := base64.StdEncoding.DecodeString(secret)
		if err != nil {
			return nil, fmt.Errorf("audit key %d (%s): secret is not standard base64: %w", i+1, id, err)
		}
		if len(raw) < MinSecretBytes {
			return nil, fmt.Errorf("audit key %d (%s): secret is %d bytes, want at least %d", i+1, id, len(raw), MinSecretBytes)
		}
		seen[id] = true
		k.keys = append(k.keys, Key{ID: id, secret: raw})
	}
	return k, nil
}

// NewKeySpec returns a fresh random key as ParseKeyring reads it.
func NewKeySpec(id string) (string, error) {
	if !keyID.MatchString(id) {
		return "", fmt.Errorf("audit key id %q must be 1-64 letters, digits, '.', '_' or '-'", id)
	}
	secret := make([]byte, MinSecretBytes)
	if _, err := rand.Read(secret); err != nil {
		return "", fmt.Errorf("generate audit key: %w", err)
	}
	return id + ":" + base64.StdEncoding.EncodeToString(secret), nil
}

// SigningID is the id of the key new seals are made with.
func (k *Keyring) SigningID() string { return k.keys[0].ID }

// Seal is an HMAC and the id of the key that made it.
type Seal struct {
	KeyID string
	MAC   string // hex
}

// ErrUnknownKey is a seal made with a key the keyring does not hold.
var ErrUnknownKey = errors.New("sealed with a key that is not configured")

// ErrBadSeal is a seal that does not match the row: the row changed.
var ErrBadSeal = errors.New("seal does not match")

// Sign seals m with the signing key.
func (k *Keyring) Sign(m Message) Seal {
	key := k.keys[0]
	return Seal{KeyID: key.ID, MAC: mac(key.secret, m)}
}

// Verify checks that s seals m, in constant time.
func (k *Keyring) Verify(m Message, s Seal) error {
	for _, key := range k.keys {
		if key.ID != s.KeyID {
			continue
		}
		if !hmac.Equal([]byte(mac(key.secret, m)), []byte(s.MAC)) {
			return ErrBadSeal
		}
		return nil
	}
	return fmt.Errorf("%w (key id %q)", ErrUnknownKey, s.KeyID)
}

func mac(secret []byte, m Message) string {
	h := hmac.New(sha256.New, secret)
	h.Write(m)
	return hex.EncodeToString(h.Sum(nil))
}

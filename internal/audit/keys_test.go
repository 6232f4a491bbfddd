package audit

import (
	"errors"
	"strings"
	"testing"
)

func TestParseKeyringRefusesWeakOrMalformedKeys(t *testing.T) {
	good, err := NewKeySpec("k1")
	if err != nil {
		t.Fatal(err)
	}
	for spec, want := range map[string]string{
		"nocolon":                      "want id:base64-secret",
		"bad id!:" + good[3:]:          "must be 1-64 letters",
		"k1:%%%":                       "not standard base64",
		"k1:c2hvcnQ=":                  "secret is 5 bytes, want at least 32",
		good + "," + good:              `"k1" appears twice`,
		good + ",k2:" + "c2hvcnQ=":     "audit key 2 (k2)",
		"k1:" + strings.Repeat("A", 8): "want at least 32",
	} {
		if _, err := ParseKeyring(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseKeyring(%q) = %v, want an error containing %q", spec, err, want)
		}
	}
}

// A rotated keyring seals with its first key and still verifies what the
// old key sealed; a keyring without the old key says which key it lacks.
func TestKeyRotation(t *testing.T) {
	oldSpec, _ := NewKeySpec("2026-01")
	newSpec, _ := NewKeySpec("2026-07")
	old, err := ParseKeyring(oldSpec)
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := ParseKeyring(newSpec + "," + oldSpec)
	if err != nil {
		t.Fatal(err)
	}
	m := Head{Chain: "journal", Seq: 7, Link: "abc"}.Message()
	sealedOld := old.Sign(m)
	if err := rotated.Verify(m, sealedOld); err != nil {
		t.Fatalf("rotated keyring refused the old key's seal: %v", err)
	}
	if s := rotated.Sign(m); s.KeyID != "2026-07" || s.MAC == sealedOld.MAC {
		t.Errorf("rotated keyring sealed with %+v, want the new key", s)
	}
	onlyNew, _ := ParseKeyring(newSpec)
	if err := onlyNew.Verify(m, sealedOld); !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), "2026-01") {
		t.Errorf("verify without the old key: %v, want ErrUnknownKey naming it", err)
	}
	if err := old.Verify(Head{Chain: "journal", Seq: 8, Link: "abc"}.Message(), sealedOld); !errors.Is(err, ErrBadSeal) {
		t.Errorf("verify of another message: %v, want ErrBadSeal", err)
	}
}

// Length prefixes keep field boundaries: moving a byte from one field to
// the next changes the message.
func TestMessagesAreUnambiguous(t *testing.T) {
	a := Event{Kind: "step.", Step: "started"}.Message()
	b := Event{Kind: "step", Step: ".started"}.Message()
	if string(a) == string(b) {
		t.Fatal("two different events encode alike")
	}
	if string(Head{Chain: "x", Seq: 1}.Message()) == string(Statement{Partner: "x"}.Message()) {
		t.Fatal("a head and a statement encode alike")
	}
}

package alert

import (
	"encoding/json"
	"testing"
)

func TestEncodeSignsAndVerifies(t *testing.T) {
	secret := []byte("s3cret")
	body, sig, err := Encode(Blocked{CycleID: "c", Step: "pull", Error: "boom"}, secret)
	if err != nil {
		t.Fatal(err)
	}
	if !Verify(body, sig, secret) {
		t.Fatal("signature does not verify")
	}
	if Verify(body, sig, []byte("other")) {
		t.Fatal("signature verified under the wrong secret")
	}
	tampered := append([]byte{}, body...)
	tampered[len(tampered)-2] ^= 1
	if Verify(tampered, sig, secret) {
		t.Fatal("tampered body verified")
	}
	var b Blocked
	if err := json.Unmarshal(body, &b); err != nil || b.Event != "cycle.blocked" || b.Step != "pull" {
		t.Fatalf("body = %s (%v)", body, err)
	}
	if _, _, err := Encode(Blocked{}, nil); err == nil {
		t.Fatal("empty secret accepted")
	}
}

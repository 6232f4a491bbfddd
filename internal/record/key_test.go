package record

import "testing"

// The key separates its parts, so moving a character from one to the
// next gives another key.
func TestKeySeparatesParts(t *testing.T) {
	if Key("s", "ab", "c") == Key("s", "a", "bc") || Key("s", "a", "b") != Key("s", "a", "b") {
		t.Fatal("keys must differ across part boundaries and repeat for the same parts")
	}
	long := string(make([]byte, 300))
	if Key("s", "a", long) == Key("s", "a", long[:299]) {
		t.Fatal("a long id must hash whole")
	}
}

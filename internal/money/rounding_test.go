package money

import (
	"encoding/json"
	"testing"
)

func TestRoundingModeZeroValueIsHalfEven(t *testing.T) {
	var m RoundingMode
	if m != HalfEven {
		t.Fatalf("zero RoundingMode = %v, want half_even", m)
	}
}

func TestParseRoundingMode(t *testing.T) {
	tests := []struct {
		in      string
		want    RoundingMode
		wantErr bool
	}{
		{"half_even", HalfEven, false},
		{"half_up", HalfUp, false},
		{"down", Down, false},
		{"up", Up, false},
		{"HALF_EVEN", 0, true},
		{"", 0, true},
		{"bankers", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseRoundingMode(tt.in)
		if (err != nil) != tt.wantErr {
			t.Fatalf("ParseRoundingMode(%q) err = %v, wantErr %v", tt.in, err, tt.wantErr)
		}
		if err == nil && got != tt.want {
			t.Errorf("ParseRoundingMode(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
	}
}

func TestRoundingModeText(t *testing.T) {
	for _, m := range []RoundingMode{HalfEven, HalfUp, Down, Up} {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back RoundingMode = 99
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("unmarshal %s: %v", b, err)
		}
		if back != m {
			t.Errorf("round trip %v → %s → %v", m, b, back)
		}
	}
	if _, err := json.Marshal(RoundingMode(9)); err == nil {
		t.Error("marshal of invalid mode: want error")
	}
	if got := RoundingMode(9).String(); got != "RoundingMode(9)" {
		t.Errorf("String of invalid mode = %q", got)
	}
	var m RoundingMode
	if err := json.Unmarshal([]byte(`"nearest"`), &m); err == nil {
		t.Error("unmarshal of unknown name: want error")
	}
}

package money

import (
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	want := map[string]int{
		"KRW": 0, "JPY": 0, "USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "AUD": 2,
		"BRL": 2, "INR": 2, "MXN": 2, "SEK": 2, "NOK": 2, "TRY": 2, "PHP": 2,
		"THB": 2, "KWD": 3, "BHD": 3, "JOD": 3, "TND": 3,
	}
	for code, exp := range want {
		c, err := Lookup(code)
		if err != nil {
			t.Fatalf("Lookup(%q): %v", code, err)
		}
		if c.Code != code || c.Exponent != exp {
			t.Errorf("Lookup(%q) = %+v, want exponent %d", code, c, exp)
		}
		if !Known(code) {
			t.Errorf("Known(%q) = false", code)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	for _, code := range []string{"XXX", "usd", "", " USD", "US"} {
		_, err := Lookup(code)
		if err == nil {
			t.Fatalf("Lookup(%q): want error", code)
		}
		if !strings.Contains(err.Error(), `unknown currency "`+code+`"`) {
			t.Errorf("Lookup(%q) error %q does not name the code", code, err)
		}
		if Known(code) {
			t.Errorf("Known(%q) = true", code)
		}
	}
}

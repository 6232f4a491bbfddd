package money

import (
	"fmt"
	"slices"
)

// Currency is an ISO-4217 currency and the number of decimal digits of its
// minor unit (USD 2: amounts are cents; KRW 0: amounts are whole won).
type Currency struct {
	Code     string
	Exponent int
}

// exponents is deliberately a fixed table rather than a data file: the
// exponent decides how every amount is read, so adding a currency should be a
// reviewed code change.
var exponents = map[string]int{
	// zero-decimal currencies
	"CLP": 0, "ISK": 0, "JPY": 0, "KRW": 0, "PYG": 0, "UGX": 0, "VND": 0,
	"XAF": 0, "XOF": 0,
	// two-decimal currencies
	"AED": 2, "ARS": 2, "AUD": 2, "BGN": 2, "BRL": 2, "CAD": 2, "CHF": 2,
	"CNY": 2, "COP": 2, "CZK": 2, "DKK": 2, "EGP": 2, "EUR": 2, "GBP": 2,
	"GEL": 2, "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "KES": 2,
	"KZT": 2, "MXN": 2, "MYR": 2, "NGN": 2, "NOK": 2, "NZD": 2, "PEN": 2,
	"PHP": 2, "PKR": 2, "PLN": 2, "RON": 2, "RSD": 2, "SAR": 2, "SEK": 2,
	"SGD": 2, "THB": 2, "TRY": 2, "TWD": 2, "UAH": 2, "USD": 2, "UZS": 2,
	"ZAR": 2,
	// three-decimal currencies
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

// Lookup returns the currency for an upper-case ISO-4217 code. Codes are
// matched exactly (no case folding) so a typo in a feed or agreement is an
// error rather than a silent guess.
func Lookup(code string) (Currency, error) {
	exp, ok := exponents[code]
	if !ok {
		return Currency{}, fmt.Errorf("unknown currency %q", code)
	}
	return Currency{Code: code, Exponent: exp}, nil
}

// Known reports whether Lookup would accept code.
func Known(code string) bool {
	_, ok := exponents[code]
	return ok
}

// Codes lists every known currency code in order, for checks that run
// where a lookup function cannot go (a SQL array parameter).
func Codes() []string {
	codes := make([]string, 0, len(exponents))
	for c := range exponents {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

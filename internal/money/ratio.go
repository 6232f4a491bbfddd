package money

import (
	"fmt"
	"math/big"
	"strings"
)

// maxPercentDecimals bounds the precision of a percentage so the numerator
// always fits comfortably in int64 (100 × 10^8).
const maxPercentDecimals = 8

// Ratio is an exact fraction between 0 and 1 inclusive, written in
// agreements as a percentage. It is stored as an integer percentage mantissa
// and its count of decimals: 12.5% is mantissa 125, 1 decimal, i.e. the
// fraction 125/1000. Trailing fractional zeros are dropped on parse, so
// equal percentages compare equal with ==. The zero value is 0%.
type Ratio struct {
	mantissa int64 // percentage × 10^decimals
	decimals int   // 0..maxPercentDecimals
}

// ParsePercent reads a percentage such as "12.5", "0.75", "100" or "12.5%".
// It accepts only plain decimal digits with an optional single fractional
// part of at most 8 digits and an optional trailing "%"; signs, exponents,
// spaces and values above 100 are rejected.
func ParsePercent(s string) (Ratio, error) {
	r, err := parsePercent(s)
	if err != nil {
		return Ratio{}, fmt.Errorf("percent %q: %w", s, err)
	}
	return r, nil
}

func parsePercent(s string) (Ratio, error) {
	body := strings.TrimSuffix(s, "%")
	if body == "" {
		return Ratio{}, fmt.Errorf("empty")
	}
	if body[0] == '-' {
		return Ratio{}, fmt.Errorf("must not be negative")
	}
	intPart, fracPart, hasDot := strings.Cut(body, ".")
	if intPart == "" || (hasDot && fracPart == "") {
		return Ratio{}, fmt.Errorf("want digits on both sides of the decimal point")
	}
	if !allDigits(intPart) || !allDigits(fracPart) {
		return Ratio{}, fmt.Errorf("not a plain decimal number")
	}
	fracPart = strings.TrimRight(fracPart, "0")
	if len(fracPart) > maxPercentDecimals {
		return Ratio{}, fmt.Errorf("more than %d decimal places", maxPercentDecimals)
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 3 {
		return Ratio{}, fmt.Errorf("above 100")
	}
	var m int64
	for _, c := range intPart + fracPart {
		m = m*10 + int64(c-'0')
	}
	r := Ratio{mantissa: m, decimals: len(fracPart)}
	if r.mantissa > 100*pow10(r.decimals) {
		return Ratio{}, fmt.Errorf("above 100")
	}
	return r, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pow10 is only called with small exponents (≤ 18) from within the package.
func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// String renders the ratio as a percentage, e.g. "12.5%"; it is the
// canonical form and parses back to the same Ratio.
func (r Ratio) String() string {
	digits := fmt.Sprintf("%0*d", r.decimals+1, r.mantissa)
	cut := len(digits) - r.decimals
	if r.decimals == 0 {
		return digits + "%"
	}
	return digits[:cut] + "." + digits[cut:] + "%"
}

// IsZero reports whether the ratio is 0%.
func (r Ratio) IsZero() bool { return r.mantissa == 0 }

// Rat returns the ratio as an exact fraction (12.5% → 1/8), for callers
// that want to check results against exact arithmetic.
func (r Ratio) Rat() *big.Rat {
	return new(big.Rat).SetFrac(big.NewInt(r.mantissa), r.denominator())
}

// denominator is 10^(decimals+2): the +2 turns a percentage into a fraction.
func (r Ratio) denominator() *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(r.decimals+2)), nil)
}

// Apply returns amount × r rounded to a whole minor unit by mode. The product
// is formed in math/big, so it is exact for every int64 amount; rounding is
// sign symmetric, so Apply(-x) == -Apply(x).
func (r Ratio) Apply(amount int64, mode RoundingMode) (int64, error) {
	n := new(big.Int).Mul(big.NewInt(amount), big.NewInt(r.mantissa))
	q, err := roundQuo(n, r.denominator(), mode)
	if err != nil {
		return 0, fmt.Errorf("apply %s to %d: %w", r, amount, err)
	}
	v, err := toInt64(q)
	if err != nil {
		return 0, fmt.Errorf("apply %s to %d: %w", r, amount, err)
	}
	return v, nil
}

// MarshalText writes the canonical percentage ("12.5%") so frozen records
// are human readable and exact.
func (r Ratio) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText accepts anything ParsePercent does.
func (r *Ratio) UnmarshalText(b []byte) error {
	parsed, err := ParsePercent(string(b))
	if err != nil {
		return err
	}
	*r = parsed
	return nil
}

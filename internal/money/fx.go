package money

import (
	"fmt"
	"math/big"
	"strings"
)

// maxRateDigits bounds a rate's digits so parsing a hostile string cannot
// build an enormous number.
const maxRateDigits = 40

// ParseRate reads an exchange rate written as an exact positive decimal
// ("1385.2500", "0.00072"), as FX feeds and scope files give it. Signs,
// exponents, spaces and zero are refused: a rate is never guessed.
func ParseRate(s string) (*big.Rat, error) {
	intPart, fracPart, hasDot := strings.Cut(s, ".")
	switch {
	case s == "":
		return nil, fmt.Errorf("rate is empty")
	case intPart == "" || (hasDot && fracPart == ""):
		return nil, fmt.Errorf("rate %q: want digits on both sides of the decimal point", s)
	case !allDigits(intPart) || !allDigits(fracPart):
		return nil, fmt.Errorf("rate %q is not a plain decimal number", s)
	case len(intPart)+len(fracPart) > maxRateDigits:
		return nil, fmt.Errorf("rate %q has more than %d digits", s, maxRateDigits)
	}
	num, _ := new(big.Int).SetString(intPart+fracPart, 10)
	if num.Sign() == 0 {
		return nil, fmt.Errorf("rate %q is zero", s)
	}
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(fracPart))), nil)
	return new(big.Rat).SetFrac(num, den), nil
}

// MinorFactor is what an amount in from's minor units is multiplied by to
// give to's minor units, for a rate in units of to per one unit of from:
// rate × 10^(to.Exponent − from.Exponent), exact.
func MinorFactor(from, to Currency, rate *big.Rat) *big.Rat {
	shift := big.NewRat(1, 1)
	ten := big.NewInt(10)
	if d := to.Exponent - from.Exponent; d > 0 {
		shift.SetInt(new(big.Int).Exp(ten, big.NewInt(int64(d)), nil))
	} else if d < 0 {
		shift.SetFrac(big.NewInt(1), new(big.Int).Exp(ten, big.NewInt(int64(-d)), nil))
	}
	return new(big.Rat).Mul(rate, shift)
}

// Convert returns amount (minor units) × factor (see MinorFactor), rounded
// to a whole minor unit by mode.
func Convert(amount int64, factor *big.Rat, mode RoundingMode) (int64, error) {
	if factor.Sign() <= 0 {
		return 0, fmt.Errorf("convert %d: factor %s is not positive", amount, factor.RatString())
	}
	n := new(big.Int).Mul(big.NewInt(amount), factor.Num())
	q, err := roundQuo(n, factor.Denom(), mode)
	if err != nil {
		return 0, fmt.Errorf("convert %d by %s: %w", amount, factor.RatString(), err)
	}
	v, err := toInt64(q)
	if err != nil {
		return 0, fmt.Errorf("convert %d by %s: %w", amount, factor.RatString(), err)
	}
	return v, nil
}

// ParseAmount reads a decimal amount in the currency's major units ("12.5"
// USD is 1250 minor units, "-3" KRW is -3) exactly; more decimals than the
// currency has are refused rather than rounded.
func ParseAmount(s string, c Currency) (int64, error) {
	body, neg := strings.CutPrefix(s, "-")
	intPart, fracPart, hasDot := strings.Cut(body, ".")
	switch {
	case intPart == "" || (hasDot && fracPart == ""):
		return 0, fmt.Errorf("amount %q: want digits on both sides of the decimal point", s)
	case !allDigits(intPart) || !allDigits(fracPart):
		return 0, fmt.Errorf("amount %q is not a plain decimal number", s)
	case len(fracPart) > c.Exponent:
		return 0, fmt.Errorf("amount %q has more decimals than %s's %d", s, c.Code, c.Exponent)
	}
	digits := intPart + fracPart + strings.Repeat("0", c.Exponent-len(fracPart))
	v, ok := new(big.Int).SetString(digits, 10)
	if neg {
		v.Neg(v)
	}
	if !ok || !v.IsInt64() {
		return 0, fmt.Errorf("amount %q does not fit in 64-bit minor units of %s", s, c.Code)
	}
	return v.Int64(), nil
}

package money

import "strconv"

// Format renders an amount in minor units with its currency code, e.g.
// "1234.56 USD", "-0.05 USD", "1500 KRW", "1.234 KWD". There is no
// thousands separator so the text can be parsed back unambiguously.
func Format(amount int64, c Currency) string {
	neg := amount < 0
	// uint64 magnitude: negating MinInt64 overflows int64 but not uint64.
	mag := uint64(amount)
	if neg {
		mag = -mag
	}
	digits := strconv.FormatUint(mag, 10)
	if c.Exponent > 0 {
		for len(digits) <= c.Exponent {
			digits = "0" + digits
		}
		cut := len(digits) - c.Exponent
		digits = digits[:cut] + "." + digits[cut:]
	}
	if neg {
		digits = "-" + digits
	}
	return digits + " " + c.Code
}

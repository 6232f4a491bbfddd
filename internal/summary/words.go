package summary

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/settleflow/settleflow/internal/money"
)

// amount formats minor units with money.Format; a code money does not know
// (it could not have been accepted) is printed as it is.
func amount(minor int64, currency string) string {
	c, err := money.Lookup(currency)
	if err != nil {
		return fmt.Sprintf("%d %s", minor, currency)
	}
	return money.Format(minor, c)
}

// percent writes basis points as a percentage without trailing zeros:
// 1500 → "15%", 1550 → "15.5%", 16 → "0.16%".
func percent(bp int64) string {
	return decimal(bp) + "%"
}

// points writes a rise of a rate, in basis points, as percentage points.
func points(bp int64) string {
	if bp == 100 {
		return "1 point"
	}
	return decimal(bp) + " points"
}

// decimal writes hundredths as a decimal number without trailing zeros.
func decimal(hundredths int64) string {
	sign := ""
	if hundredths < 0 {
		sign, hundredths = "-", -hundredths
	}
	s := strconv.FormatInt(hundredths/100, 10)
	if frac := hundredths % 100; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", frac), "0")
	}
	return sign + s
}

// count writes n with its noun, singular for one.
func count(n int64, singular, plural string) string {
	if n == 1 {
		return "1 " + singular
	}
	return strconv.FormatInt(n, 10) + " " + plural
}

// list joins items as a sentence does: "a", "a and b", "a, b and c".
func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// trailing names a baseline: "the trailing 7-cycle mean".
func trailing(cycles int) string {
	return fmt.Sprintf("the trailing %d-cycle mean", cycles)
}

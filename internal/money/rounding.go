package money

import "fmt"

// RoundingMode says how an inexact result is brought to a whole minor unit.
//
// The zero value is HalfEven, the usual banking default, so a zero
// RoundingMode is a valid choice. Callers that read a mode from
// configuration should still require it to be spelled out and parse it with
// ParseRoundingMode, because the zero value cannot tell "chose half_even"
// from "forgot to choose".
type RoundingMode int

const (
	// HalfEven rounds to nearest, ties to the even neighbour.
	HalfEven RoundingMode = iota
	// HalfUp rounds to nearest, ties away from zero.
	HalfUp
	// Down truncates toward zero.
	Down
	// Up rounds away from zero.
	Up
)

var roundingNames = [...]string{
	HalfEven: "half_even",
	HalfUp:   "half_up",
	Down:     "down",
	Up:       "up",
}

func (m RoundingMode) valid() bool { return m >= 0 && int(m) < len(roundingNames) }

// String returns the configuration spelling ("half_even", ...).
func (m RoundingMode) String() string {
	if !m.valid() {
		return fmt.Sprintf("RoundingMode(%d)", int(m))
	}
	return roundingNames[m]
}

// ParseRoundingMode accepts exactly the spellings String produces.
func ParseRoundingMode(s string) (RoundingMode, error) {
	for i, name := range roundingNames {
		if s == name {
			return RoundingMode(i), nil
		}
	}
	return 0, fmt.Errorf("unknown rounding mode %q (want half_even, half_up, down or up)", s)
}

// MarshalText makes the mode serialise by name, so frozen records stay
// readable and do not depend on the order of the constants.
func (m RoundingMode) MarshalText() ([]byte, error) {
	if !m.valid() {
		return nil, fmt.Errorf("marshal rounding mode: invalid value %d", int(m))
	}
	return []byte(roundingNames[m]), nil
}

// UnmarshalText is the inverse of MarshalText.
func (m *RoundingMode) UnmarshalText(b []byte) error {
	parsed, err := ParseRoundingMode(string(b))
	if err != nil {
		return err
	}
	*m = parsed
	return nil
}

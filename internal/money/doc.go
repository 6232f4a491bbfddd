// Package money holds the exact arithmetic settleflow uses for amounts.
//
// Amounts are always int64 counts of a currency's minor unit (cents for USD,
// won for KRW). Nothing in this package uses floating point: fractions are
// kept as integer ratios and rounded explicitly with a RoundingMode, so every
// figure on a statement can be reproduced to the unit.
package money

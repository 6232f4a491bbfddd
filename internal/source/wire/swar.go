package wire

import (
	"encoding/binary"
	"math/bits"
)

// Strings are most of a page's bytes, so both string scanners look at
// eight bytes per step, SIMD-within-a-register style: each mask below has
// the high bit of a byte set where that byte is of interest, and exact in
// its lowest set bit, which is all the scanners use.

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// zeroBytes marks the zero bytes of x.
func zeroBytes(x uint64) uint64 { return (x - ones) &^ x & highs }

// quoteOrBackslash marks the '"' and '\\' bytes of x.
func quoteOrBackslash(x uint64) uint64 {
	return zeroBytes(x^(ones*'"')) | zeroBytes(x^(ones*'\\'))
}

// notPlain marks the bytes of x that plain does not hold: quotes,
// backslashes, control bytes and non-ASCII.
func notPlain(x uint64) uint64 {
	return quoteOrBackslash(x) | (x-ones*0x20)&^x&highs | x&highs
}

// skipToQuote returns the index of the first quote or backslash at or
// after i, or the start of the last, partial word: the caller goes on byte
// by byte from there.
func skipToQuote(b []byte, i int) int {
	for i+8 <= len(b) {
		if m := quoteOrBackslash(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	return i
}

// skipPlain is skipToQuote for the first byte plain does not hold.
func skipPlain(b []byte, i int) int {
	for i+8 <= len(b) {
		if m := notPlain(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	return i
}

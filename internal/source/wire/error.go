package wire

import (
	"fmt"
	"strconv"
)

// Code classifies why bytes were refused, so each adapter can map it to
// its own reject reason.
type Code uint8

const (
	// Malformed: not valid JSON.
	Malformed Code = iota + 1
	// NotObject: a JSON value other than an object.
	NotObject
	// BadUTF8: a name or string value holds invalid UTF-8 (or an escaped
	// lone surrogate, which no UTF-8 encoding can hold).
	BadUTF8
	// NUL: a string holds U+0000, raw or escaped; Postgres text cannot
	// store it, and no partner id legitimately contains it.
	NUL
	// Duplicate: an object names the same field twice, so which value the
	// partner meant is ambiguous.
	Duplicate
)

func (c Code) String() string {
	switch c {
	case Malformed:
		return "malformed JSON"
	case NotObject:
		return "not a JSON object"
	case BadUTF8:
		return "invalid UTF-8"
	case NUL:
		return "NUL character"
	case Duplicate:
		return "duplicate field"
	}
	return "Code(" + strconv.Itoa(int(c)) + ")"
}

// Error is a refusal of some bytes: what is wrong, where, and in which
// field when the failure lies in one.
type Error struct {
	Code Code
	// Offset is the byte offset of the failure in the parsed input.
	Offset int
	// Field is the name of the field whose name or value failed, "" when
	// the failure is outside a field or the name itself is unreadable.
	Field string
	// Msg says what was found, with any input bytes quoted.
	Msg string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("field %q: %s at byte %d: %s", e.Field, e.Code, e.Offset, e.Msg)
	}
	return fmt.Sprintf("%s at byte %d: %s", e.Code, e.Offset, e.Msg)
}

func errorf(code Code, off int, format string, args ...any) *Error {
	return &Error{Code: code, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// unexpected describes the byte at b[i], or the end of input.
func unexpected(b []byte, i int, want string) *Error {
	if i >= len(b) {
		return errorf(Malformed, i, "unexpected end of input, want %s", want)
	}
	return errorf(Malformed, i, "unexpected %s, want %s", quoteByte(b[i]), want)
}

func quoteByte(c byte) string {
	if c < 0x80 {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf(`byte 0x%02x`, c)
}

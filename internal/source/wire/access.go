package wire

import (
	"errors"
	"fmt"
	"math"
)

// ErrMissing is wrapped by accessors when a required field is absent or null.
var ErrMissing = errors.New("missing")

// Lookup returns the field called name.
func (o *Object) Lookup(name string) (Field, bool) {
	for _, f := range o.Fields {
		if string(f.Name) == name {
			return f, true
		}
	}
	return Field{}, false
}

// StringBytes returns the unescaped value of a string field, without
// copying: nil for an absent or null field, an error for any other type.
// The bytes are valid as long as the Fields are.
func (o *Object) StringBytes(name string) ([]byte, error) {
	f, _ := o.Lookup(name)
	v, err := f.StringBytes()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return v, nil
}

// StringField is StringBytes as a string: "" for an absent or null field.
func (o *Object) StringField(name string) (string, error) {
	b, err := o.StringBytes(name)
	return string(b), err
}

// Int64Field returns a field written as a JSON integer literal. 12.5, 1e3
// and "12" are refused rather than converted: a sender that writes them is
// not sending minor units as agreed. An absent or null field wraps
// ErrMissing.
func (o *Object) Int64Field(name string) (int64, error) {
	f, _ := o.Lookup(name)
	n, err := f.Int64()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return n, nil
}

// StringBytes is Object.StringBytes for a field already at hand; the zero
// Field stands for an absent one. Errors do not name the field.
func (f Field) StringBytes() ([]byte, error) {
	switch f.Type {
	case 0, TypeNull:
		return nil, nil
	case TypeString:
		return f.Value, nil
	}
	return nil, fmt.Errorf("want a string, got %s %s", f.Type, show(f.Value))
}

// Int64 is Object.Int64Field for a field already at hand; the zero Field
// stands for an absent one. Errors do not name the field.
func (f Field) Int64() (int64, error) {
	switch f.Type {
	case 0, TypeNull:
		return 0, ErrMissing
	case TypeNumber:
		return ParseInt64(f.Value)
	}
	return 0, fmt.Errorf("want an integer, got %s %s", f.Type, showField(f))
}

// ParseInt64 parses a JSON integer literal, -?(0|[1-9][0-9]*), into an
// int64, naming the value when it is not one or does not fit.
func ParseInt64(b []byte) (int64, error) {
	digits := b
	limit := uint64(math.MaxInt64)
	if len(b) > 0 && b[0] == '-' {
		digits, limit = b[1:], limit+1
	}
	if len(digits) == 0 || (digits[0] == '0' && len(digits) > 1) {
		return 0, fmt.Errorf("%s is not an integer literal", show(b))
	}
	var n uint64
	for _, c := range digits {
		if !isDigit(c) {
			return 0, fmt.Errorf("%s is not an integer literal", show(b))
		}
		if n > limit/10 {
			return 0, fmt.Errorf("%s is out of the int64 range", show(b))
		}
		if n = n*10 + uint64(c-'0'); n > limit {
			return 0, fmt.Errorf("%s is out of the int64 range", show(b))
		}
	}
	if limit > math.MaxInt64 {
		return int64(-n), nil // -(1<<63) wraps to itself, as it should
	}
	return int64(n), nil
}

// showField shows a value in a message: strings quoted, since their
// Value is unescaped content, other values as written.
func showField(f Field) string {
	if f.Type == TypeString {
		return fmt.Sprintf("%q", clip(f.Value, 64))
	}
	return show(f.Value)
}

// show writes at most 64 bytes of b into a message: as they are when
// they are printable ASCII, else quoted, so invalid UTF-8 and control
// bytes stay visible and the message stays valid text.
func show(b []byte) string {
	more := ""
	if len(b) == 0 {
		return `""`
	}
	if len(b) > 64 {
		b, more = b[:64], "…"
	}
	for _, c := range b {
		if c <= ' ' || c > '~' {
			return fmt.Sprintf("%q%s", b, more)
		}
	}
	return string(b) + more
}

// PeekString reads the top-level string field name of an element that
// may be malformed elsewhere, so a rejected record can still be traced to
// the partner's id. It walks the element as tolerantly as the envelope
// scanner and returns the first such field whose value is a valid string
// (UTF-8, no NUL); a field that cannot be read gives false.
func PeekString(raw []byte, name string) (string, bool) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return "", false
	}
	var buf []byte
	for i = skipSpace(raw, i+1); i < len(raw) && raw[i] == '"'; {
		key, next, b, err := readString(raw, i, buf[:0])
		buf = b
		if err != nil {
			if next = stringEnd(raw, i+1); next < 0 {
				return "", false
			}
		}
		if i = skipSpace(raw, next); i >= len(raw) || raw[i] != ':' {
			return "", false
		}
		i = skipSpace(raw, i+1)
		if err == nil && string(key) == name && i < len(raw) && raw[i] == '"' {
			if v, _, _, verr := readString(raw, i, nil); verr == nil {
				return string(v), true
			}
		}
		end, verr := valueEnd(raw, i, '}')
		if verr != nil || raw[end] == '}' {
			return "", false
		}
		i = skipSpace(raw, end+1)
	}
	return "", false
}

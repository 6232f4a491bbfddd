package wire

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// plain marks the bytes a string can hold as they are: printable ASCII
// other than the quote and the backslash. Everything else takes the slow
// path, which validates or unescapes it.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// stringEnd returns the index just past the quote closing the string whose
// content starts at i, or -1 when the input ends first. It looks at nothing
// but quotes and backslashes, so bad bytes inside a string cannot move it.
func stringEnd(b []byte, i int) int {
	for i < len(b) {
		i = skipToQuote(b, i)
		if i >= len(b) {
			break
		}
		switch b[i] {
		case '"':
			return i + 1
		case '\\':
			i += 2 // whatever follows is escaped, a quote included
		default:
			i++
		}
	}
	return -1
}

// readString reads the string whose opening quote is at b[i], strictly: it
// returns the content, the index past the closing quote and buf. Content
// without escapes is a subslice of b; escaped content is unescaped onto the
// end of buf, which is why buf is returned.
func readString(b []byte, i int, buf []byte) ([]byte, int, []byte, *Error) {
	start := i + 1
	for j := start; j < len(b); {
		if j = skipPlain(b, j); j >= len(b) {
			break
		}
		c := b[j]
		if plain[c] {
			j++
			continue
		}
		switch {
		case c == '"':
			return b[start:j], j + 1, buf, nil
		case c == '\\':
			return unescape(b, start, j, buf)
		case c < 0x20:
			return nil, 0, buf, controlError(c, j)
		}
		r, size := utf8.DecodeRune(b[j:])
		if r == utf8.RuneError && size == 1 {
			return nil, 0, buf, errorf(BadUTF8, j, "invalid UTF-8 byte 0x%02x in string", c)
		}
		j += size
	}
	return nil, 0, buf, errorf(Malformed, len(b), "unterminated string starting at byte %d", i)
}

func controlError(c byte, at int) *Error {
	if c == 0 {
		return errorf(NUL, at, "raw NUL byte in string")
	}
	return errorf(Malformed, at, "raw control character 0x%02x in string (must be escaped)", c)
}

// unescape continues readString from the first backslash at j.
func unescape(b []byte, start, j int, buf []byte) ([]byte, int, []byte, *Error) {
	mark := len(buf)
	buf = append(buf, b[start:j]...)
	for j < len(b) {
		c := b[j]
		switch {
		case plain[c]:
			buf = append(buf, c)
			j++
		case c == '"':
			return buf[mark:], j + 1, buf, nil
		case c == '\\':
			var err *Error
			if buf, j, err = appendEscape(b, j, buf); err != nil {
				return nil, 0, buf[:mark], err
			}
		case c < 0x20:
			return nil, 0, buf[:mark], controlError(c, j)
		default:
			r, size := utf8.DecodeRune(b[j:])
			if r == utf8.RuneError && size == 1 {
				return nil, 0, buf[:mark], errorf(BadUTF8, j, "invalid UTF-8 byte 0x%02x in string", c)
			}
			buf = append(buf, b[j:j+size]...)
			j += size
		}
	}
	return nil, 0, buf[:mark], errorf(Malformed, len(b), "unterminated string starting at byte %d", start-1)
}

// appendEscape decodes the escape sequence at b[j] (a backslash) onto buf
// and returns the index past it.
func appendEscape(b []byte, j int, buf []byte) ([]byte, int, *Error) {
	if j+1 >= len(b) {
		return buf, 0, errorf(Malformed, len(b), "unterminated escape")
	}
	switch e := b[j+1]; e {
	case '"', '\\', '/':
		return append(buf, e), j + 2, nil
	case 'b':
		return append(buf, '\b'), j + 2, nil
	case 'f':
		return append(buf, '\f'), j + 2, nil
	case 'n':
		return append(buf, '\n'), j + 2, nil
	case 'r':
		return append(buf, '\r'), j + 2, nil
	case 't':
		return append(buf, '\t'), j + 2, nil
	case 'u':
		r, next, err := readUnicodeEscape(b, j)
		if err != nil {
			return buf, 0, err
		}
		return utf8.AppendRune(buf, r), next, nil
	default:
		return buf, 0, errorf(Malformed, j, "invalid escape %q", b[j:j+2])
	}
}

// readUnicodeEscape decodes \uXXXX at b[j], joining a surrogate pair.
// encoding/json turns a lone surrogate into U+FFFD; here it is refused, so
// an id is never silently changed.
func readUnicodeEscape(b []byte, j int) (rune, int, *Error) {
	r, ok := hex4(b, j+2)
	if !ok {
		return 0, 0, errorf(Malformed, j, "invalid \\u escape %q", clip(b[j:], 6))
	}
	switch {
	case r == 0:
		return 0, 0, errorf(NUL, j, `escaped NUL \u0000 in string`)
	case utf16.IsSurrogate(r) && r < 0xdc00:
		if j+7 < len(b) && b[j+6] == '\\' && b[j+7] == 'u' {
			if lo, ok := hex4(b, j+8); ok && lo >= 0xdc00 && lo <= 0xdfff {
				return utf16.DecodeRune(r, lo), j + 12, nil
			}
		}
		return 0, 0, errorf(BadUTF8, j, "high surrogate %q not followed by a low one", b[j:j+6])
	case utf16.IsSurrogate(r):
		return 0, 0, errorf(BadUTF8, j, "lone low surrogate %q", b[j:j+6])
	}
	return r, j + 6, nil
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// numberEnd returns the index past the JSON number at b[i]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func numberEnd(b []byte, i int) (int, *Error) {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && '1' <= b[j] && b[j] <= '9':
		j = digitsEnd(b, j)
	default:
		return 0, unexpected(b, j, "a digit")
	}
	if j < len(b) && b[j] == '.' {
		if j+1 >= len(b) || !isDigit(b[j+1]) {
			return 0, unexpected(b, j+1, "a digit after the decimal point")
		}
		j = digitsEnd(b, j+1)
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if j >= len(b) || !isDigit(b[j]) {
			return 0, unexpected(b, j, "a digit in the exponent")
		}
		j = digitsEnd(b, j)
	}
	return j, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digitsEnd(b []byte, j int) int {
	for j < len(b) && isDigit(b[j]) {
		j++
	}
	return j
}

// literalEnd returns the index past lit (true, false or null) at b[i].
func literalEnd(b []byte, i int, lit string) (int, *Error) {
	if !bytes.HasPrefix(b[i:], []byte(lit)) {
		return 0, errorf(Malformed, i, "invalid literal %q, want %s", clip(b[i:], len(lit)), lit)
	}
	return i + len(lit), nil
}

// clip returns at most n bytes of b, for quoting in a message.
func clip(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

package record

import "unicode/utf8"

// SortAttrs orders attributes by key in place. Adapters build a handful of
// attributes per record, so an insertion sort does it without allocating.
func SortAttrs(attrs []Attr) {
	for i := 1; i < len(attrs); i++ {
		for j := i; j > 0 && attrs[j].Key < attrs[j-1].Key; j-- {
			attrs[j], attrs[j-1] = attrs[j-1], attrs[j]
		}
	}
}

// AppendAttrsJSON appends attrs as one JSON object, keys in the given order.
// Values are valid UTF-8 without NUL (adapters reject anything else), so
// the object is valid JSON that Postgres stores as jsonb unchanged.
func AppendAttrsJSON(dst []byte, attrs []Attr) []byte {
	dst = append(dst, '{')
	for i, a := range attrs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, a.Key)
		dst = append(dst, ':')
		dst = appendJSONString(dst, a.Value)
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				// Adapters reject invalid UTF-8, so this is never reached
				// with staged data; escape the byte rather than drop it.
				dst = append(dst, `\u00`...)
				dst = append(dst, hexDigits[s[i]>>4], hexDigits[s[i]&0xf])
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, `\u00`...)
			dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
		default:
			dst = append(dst, c)
		}
		i++
	}
	return append(dst, '"')
}

// Package wire reads the JSON of paged partner feeds: a tolerant scanner
// for a page's envelope, which isolates each record's bytes so that one
// bad record is rejected alone, and a strict, allocation-free parser for
// one flat record. encoding/json is not used because it silently rewrites
// invalid UTF-8 as U+FFFD, fails a whole page on one control byte, and
// costs a map per record.
package wire

// Envelope is one page of a cursor-paged feed:
//
//	{"data": [...], "next_cursor": "...", "total": N}
//
// with the keys in any order and unknown keys skipped.
type Envelope struct {
	// Elements are the elements of data, in order, each a subslice of the
	// body without its surrounding whitespace.
	Elements [][]byte
	// NextCursor is "" on the last page (null, empty or absent).
	NextCursor string
	// Total is the record count the feed announces, -1 when it does not.
	Total int64
}

// ScanEnvelope splits body into its envelope and the raw elements of
// data. The elements are only delimited, not parsed: a record holding
// invalid UTF-8 or control bytes, even a raw NUL in a string, is returned
// for the adapter to reject. Only a broken envelope is an error (an
// *Error): not an object, no data array, truncated, unbalanced brackets,
// an empty element, a next_cursor that is not a valid string, a total
// that is not a non-negative integer, or anything after the object.
func ScanEnvelope(body []byte) (Envelope, error) {
	env := Envelope{Total: -1}
	i := skipSpace(body, 0)
	if i >= len(body) {
		return env, errorf(Malformed, i, "empty body")
	}
	if body[i] != '{' {
		return env, errorf(NotObject, i, "body starts with %s, want '{'", quoteByte(body[i]))
	}
	i, err := scanMembers(body, i+1, &env)
	if err != nil {
		return env, err
	}
	if i = skipSpace(body, i); i < len(body) {
		return env, errorf(Malformed, i, "unexpected %s after the envelope", quoteByte(body[i]))
	}
	return env, nil
}

// scanMembers reads the envelope's members into env and returns the index
// past its closing '}'.
func scanMembers(body []byte, i int, env *Envelope) (int, *Error) {
	var seen [3]bool // data, next_cursor, total
	if i = skipSpace(body, i); i < len(body) && body[i] == '}' {
		return 0, errorf(Malformed, i, `no "data" array`)
	}
	for {
		slot, next, err := scanMember(body, i, env)
		if err != nil {
			return 0, err
		}
		if slot >= 0 {
			if seen[slot] {
				return 0, &Error{Code: Duplicate, Offset: i, Field: envelopeKeys[slot], Msg: "the key appears more than once in the envelope"}
			}
			seen[slot] = true
		}
		switch i = skipSpace(body, next); {
		case i < len(body) && body[i] == ',':
			i = skipSpace(body, i+1)
		case i < len(body) && body[i] == '}':
			if !seen[0] {
				return 0, errorf(Malformed, i, `no "data" array`)
			}
			return i + 1, nil
		default:
			return 0, unexpected(body, i, "',' or '}' in the envelope")
		}
	}
}

var envelopeKeys = [...]string{"data", "next_cursor", "total"}

// scanMember reads the member at body[i] into env. It returns which of
// envelopeKeys it was (-1 for an unknown key) and the index past it.
func scanMember(body []byte, i int, env *Envelope) (int, int, *Error) {
	if i >= len(body) || body[i] != '"' {
		return 0, 0, unexpected(body, i, "a key")
	}
	var keyBuf [32]byte
	key, next, _, err := readString(body, i, keyBuf[:0])
	if err != nil {
		err.Msg = "in a key: " + err.Msg
		return 0, 0, err
	}
	if next = skipSpace(body, next); next >= len(body) || body[next] != ':' {
		return 0, 0, unexpected(body, next, "':'")
	}
	i = skipSpace(body, next+1)
	switch string(key) {
	case "data":
		env.Elements, i, err = scanData(body, i)
		return 0, i, err
	case "next_cursor":
		env.NextCursor, i, err = scanCursor(body, i)
		return 1, i, err
	case "total":
		env.Total, i, err = scanTotal(body, i)
		return 2, i, err
	}
	i, err = skipUnknown(body, i)
	return -1, i, err
}

// scanData delimits the elements of the array at body[i] and returns the
// index past its ']'.
func scanData(body []byte, i int) ([][]byte, int, *Error) {
	if i >= len(body) || body[i] != '[' {
		return nil, 0, withField(unexpected(body, i, "an array"), []byte("data"))
	}
	elems := [][]byte{}
	if i = skipSpace(body, i+1); i < len(body) && body[i] == ']' {
		return elems, i + 1, nil
	}
	for {
		end, err := valueEnd(body, i, ']')
		if err != nil {
			return nil, 0, err
		}
		last := end
		for last > i && isSpace(body[last-1]) {
			last--
		}
		if last == i {
			return nil, 0, errorf(Malformed, i, "empty element %d in data", len(elems))
		}
		elems = append(elems, body[i:last:last])
		if body[end] == ']' {
			return elems, end + 1, nil
		}
		i = skipSpace(body, end+1)
	}
}

func scanCursor(body []byte, i int) (string, int, *Error) {
	if i < len(body) && body[i] == 'n' {
		end, err := literalEnd(body, i, "null")
		return "", end, err
	}
	if i >= len(body) || body[i] != '"' {
		return "", 0, withField(unexpected(body, i, "a string or null"), []byte("next_cursor"))
	}
	s, end, _, err := readString(body, i, nil)
	if err != nil {
		return "", 0, withField(err, []byte("next_cursor"))
	}
	return string(s), end, nil
}

func scanTotal(body []byte, i int) (int64, int, *Error) {
	if i < len(body) && body[i] == 'n' {
		end, err := literalEnd(body, i, "null")
		return -1, end, err
	}
	end, err := numberEnd(body, i)
	if err != nil {
		return 0, 0, withField(err, []byte("total"))
	}
	n, perr := ParseInt64(body[i:end])
	if perr != nil || n < 0 {
		return 0, 0, &Error{Code: Malformed, Offset: i, Field: "total", Msg: "want a non-negative integer, got " + show(body[i:end])}
	}
	return n, end, nil
}

// skipUnknown passes over the value of a key the envelope does not use.
func skipUnknown(body []byte, i int) (int, *Error) {
	end, err := valueEnd(body, i, '}')
	if err != nil {
		return 0, err
	}
	if end == skipSpace(body, i) {
		return 0, unexpected(body, end, "a value")
	}
	return end, nil
}

// valueEnd returns the index of the ',' or closer that ends the value
// starting at b[i], tracking only strings and bracket nesting. Bytes other
// than quotes, backslashes inside strings and brackets are not looked at,
// so a malformed record still ends where its brackets say. A bracket that
// does not match is an error: past it, no boundary can be trusted.
func valueEnd(b []byte, i int, closer byte) (int, *Error) {
	var small [32]byte
	stack := small[:0] // the closers expected, innermost last
	for i < len(b) {
		switch c := b[i]; c {
		case '"':
			j := stringEnd(b, i+1)
			if j < 0 {
				return 0, errorf(Malformed, len(b), "body ends inside the string starting at byte %d", i)
			}
			i = j
			continue
		case '{':
			stack = append(stack, '}')
		case '[':
			stack = append(stack, ']')
		case '}', ']':
			if len(stack) == 0 {
				if c == closer {
					return i, nil
				}
				return 0, errorf(Malformed, i, "unexpected %s, want ',' or %s", quoteByte(c), quoteByte(closer))
			}
			if want := stack[len(stack)-1]; c != want {
				return 0, errorf(Malformed, i, "unexpected %s, want %s", quoteByte(c), quoteByte(want))
			}
			stack = stack[:len(stack)-1]
		case ',':
			if len(stack) == 0 {
				return i, nil
			}
		}
		i++
	}
	return 0, errorf(Malformed, len(b), "body ends inside a value")
}

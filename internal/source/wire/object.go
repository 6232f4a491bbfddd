package wire

// Type is the JSON type of a field's value.
type Type uint8

const (
	TypeString Type = iota + 1
	TypeNumber
	TypeBool
	TypeNull
	TypeObject
	TypeArray
)

func (t Type) String() string {
	switch t {
	case TypeString:
		return "string"
	case TypeNumber:
		return "number"
	case TypeBool:
		return "boolean"
	case TypeNull:
		return "null"
	case TypeObject:
		return "object"
	case TypeArray:
		return "array"
	}
	return "invalid"
}

// Field is one member of a parsed object.
type Field struct {
	// Name is the unescaped field name.
	Name []byte
	// Value is the unescaped content of a string and the raw bytes of any
	// other value: numbers stay as written so no float ever touches money.
	Value []byte
	Type  Type
}

// Object parses flat JSON objects strictly and without a map, reusing its
// memory from one Parse to the next. Strings are unescaped and must be
// valid UTF-8 without NUL; names must be unique. Nested objects and arrays
// are validated the same way (their names are not checked for duplicates)
// and kept raw, and Nested reports them.
//
// Fields and their bytes are valid until the next Parse and, where they
// alias the input, while the input is unchanged. The zero Object is ready
// to use; it is not safe for concurrent use.
type Object struct {
	Fields []Field
	// Nested reports whether any field holds an object or an array.
	Nested bool

	buf   []byte              // unescaped strings of the current Parse
	bloom uint64              // nameBit of every field name so far
	names map[string]struct{} // duplicate check for objects with many fields
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 64

// linearNames is how many fields are checked for duplicates by a plain
// scan; records have a dozen or so, and a scan beats a map for those.
const linearNames = 16

// Parse parses raw, which must hold exactly one JSON object. It returns
// nil or an *Error.
func (o *Object) Parse(raw []byte) error {
	o.reset(len(raw))
	i := skipSpace(raw, 0)
	if i >= len(raw) {
		return errorf(Malformed, i, "empty input, want an object")
	}
	if raw[i] != '{' {
		return o.notObject(raw, i)
	}
	i, err := o.members(raw, i+1)
	if err != nil {
		return err
	}
	if i = skipSpace(raw, i); i < len(raw) {
		return errorf(Malformed, i, "unexpected %s after the object", quoteByte(raw[i]))
	}
	return nil
}

func (o *Object) reset(n int) {
	o.Fields = o.Fields[:0]
	o.Nested = false
	o.bloom = 0
	// Unescaping never lengthens a string, so a buffer as long as the input
	// is never regrown mid-parse.
	if cap(o.buf) < n {
		o.buf = make([]byte, 0, n)
	}
	o.buf = o.buf[:0]
	clear(o.names)
}

// notObject tells an input that is valid JSON of another type from one
// that is not JSON at all.
func (o *Object) notObject(raw []byte, i int) *Error {
	_, t, end, err := o.value(raw, i, 1)
	if err != nil {
		return err
	}
	if end = skipSpace(raw, end); end < len(raw) {
		return errorf(Malformed, end, "unexpected %s after the value", quoteByte(raw[end]))
	}
	return errorf(NotObject, i, "got a JSON %s", t)
}

// members parses the members of the object whose '{' precedes i and
// returns the index past its '}'.
func (o *Object) members(raw []byte, i int) (int, *Error) {
	if i = skipSpace(raw, i); i < len(raw) && raw[i] == '}' {
		return i + 1, nil
	}
	for {
		var err *Error
		if i, err = o.member(raw, i); err != nil {
			return 0, err
		}
		i = skipSpace(raw, i)
		switch {
		case i < len(raw) && raw[i] == ',':
			i = skipSpace(raw, i+1)
		case i < len(raw) && raw[i] == '}':
			return i + 1, nil
		default:
			return 0, unexpected(raw, i, "',' or '}'")
		}
	}
}

// member parses one "name": value at i and appends it to Fields.
func (o *Object) member(raw []byte, i int) (int, *Error) {
	if i >= len(raw) || raw[i] != '"' {
		return 0, unexpected(raw, i, "a field name")
	}
	name, next, buf, err := readString(raw, i, o.buf)
	o.buf = buf
	if err != nil {
		err.Msg = "in a field name: " + err.Msg
		return 0, err
	}
	if o.seen(name) {
		return 0, &Error{Code: Duplicate, Offset: i, Field: string(name), Msg: "the name appears more than once"}
	}
	i = skipSpace(raw, next)
	if i >= len(raw) || raw[i] != ':' {
		return 0, withField(unexpected(raw, i, "':'"), name)
	}
	v, t, i, err := o.value(raw, skipSpace(raw, i+1), 1)
	if err != nil {
		return 0, withField(err, name)
	}
	// Filled in place: appending a Field literal builds it on the stack
	// and copies it with wide loads that stall on the narrow stores just
	// made, a fifth of the parse time.
	n := len(o.Fields)
	if n == cap(o.Fields) {
		o.Fields = append(o.Fields, Field{})
	}
	o.Fields = o.Fields[:n+1]
	f := &o.Fields[n]
	f.Name, f.Value, f.Type = name, v, t
	return i, nil
}

func withField(err *Error, name []byte) *Error {
	err.Field = string(name)
	return err
}

// seen reports whether name is already a field, remembering it.
func (o *Object) seen(name []byte) bool {
	n := len(o.Fields)
	bit := nameBit(name)
	if o.bloom&bit == 0 && n < linearNames {
		o.bloom |= bit
		return false
	}
	o.bloom |= bit
	if n < linearNames {
		for _, f := range o.Fields {
			if string(f.Name) == string(name) {
				return true
			}
		}
		return false
	}
	if n == linearNames {
		if o.names == nil {
			o.names = make(map[string]struct{}, 2*linearNames)
		}
		for _, f := range o.Fields {
			o.names[string(f.Name)] = struct{}{}
		}
	}
	if _, dup := o.names[string(name)]; dup {
		return true
	}
	o.names[string(name)] = struct{}{}
	return false
}

// nameBit picks one of 64 bits by a name's length and ends: names that
// differ there, as a record's almost always do, need no comparison.
func nameBit(name []byte) uint64 {
	h := uint(len(name))
	if len(name) > 0 {
		h = h*31 + uint(name[0])*7 + uint(name[len(name)-1])
	}
	return 1 << (h & 63)
}

// value parses the value at b[i] and returns it, its type and the index
// past it.
func (o *Object) value(b []byte, i, depth int) ([]byte, Type, int, *Error) {
	if i >= len(b) {
		return nil, 0, 0, unexpected(b, i, "a value")
	}
	var (
		end int
		err *Error
		t   Type
	)
	switch c := b[i]; {
	case c == '"':
		var s []byte
		s, end, o.buf, err = readString(b, i, o.buf)
		return s, TypeString, end, err
	case c == '{' || c == '[':
		if depth > maxDepth {
			return nil, 0, 0, errorf(Malformed, i, "nested deeper than %d levels", maxDepth)
		}
		t = TypeObject
		if c == '[' {
			t = TypeArray
		}
		end, err = o.skipComposite(b, i, depth)
		o.Nested = true
	case c == 't':
		t = TypeBool
		end, err = literalEnd(b, i, "true")
	case c == 'f':
		t = TypeBool
		end, err = literalEnd(b, i, "false")
	case c == 'n':
		t = TypeNull
		end, err = literalEnd(b, i, "null")
	case c == '-' || isDigit(c):
		t = TypeNumber
		end, err = numberEnd(b, i)
	default:
		return nil, 0, 0, unexpected(b, i, "a value")
	}
	if err != nil {
		return nil, 0, 0, err
	}
	return b[i:end], t, end, nil
}

// skipComposite validates the object or array at b[i] and returns the
// index past it. Strings inside are checked like any other, then their
// unescaped copies are dropped.
func (o *Object) skipComposite(b []byte, i, depth int) (int, *Error) {
	mark := len(o.buf)
	defer func() { o.buf = o.buf[:mark] }()
	closer := byte(']')
	if b[i] == '{' {
		closer = '}'
	}
	if i = skipSpace(b, i+1); i < len(b) && b[i] == closer {
		return i + 1, nil
	}
	for {
		var err *Error
		if closer == '}' {
			if i >= len(b) || b[i] != '"' {
				return 0, unexpected(b, i, "a field name")
			}
			if _, i, o.buf, err = readString(b, i, o.buf); err != nil {
				return 0, err
			}
			if i = skipSpace(b, i); i >= len(b) || b[i] != ':' {
				return 0, unexpected(b, i, "':'")
			}
			i = skipSpace(b, i+1)
		}
		if _, _, i, err = o.value(b, i, depth+1); err != nil {
			return 0, err
		}
		switch i = skipSpace(b, i); {
		case i < len(b) && b[i] == ',':
			i = skipSpace(b, i+1)
		case i < len(b) && b[i] == closer:
			return i + 1, nil
		default:
			return 0, unexpected(b, i, "',' or "+quoteByte(closer))
		}
	}
}

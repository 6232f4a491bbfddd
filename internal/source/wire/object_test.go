package wire

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestObjectParse(t *testing.T) {
	var o Object
	raw := " {\"s\":\"plain\",\"e\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00\",\"u\":\"h\u00e9 \U0001F600\"," +
		"\"n\":-12.5e+3,\"z\":0,\"t\":true,\"f\":false,\"null\":null,\"o\":{\"k\":[1,\"x\"]},\"a\":[],\"\\u006eame\":\"\"} "
	if err := o.Parse([]byte(raw)); err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := []struct {
		name, value string
		typ         Type
	}{
		{"s", "plain", TypeString},
		{"e", "a\"b\\c/d\b\f\n\r\té€😀", TypeString},
		{"u", "hé 😀", TypeString},
		{"n", "-12.5e+3", TypeNumber},
		{"z", "0", TypeNumber},
		{"t", "true", TypeBool},
		{"f", "false", TypeBool},
		{"null", "null", TypeNull},
		{"o", `{"k":[1,"x"]}`, TypeObject},
		{"a", "[]", TypeArray},
		{"name", "", TypeString},
	}
	if len(o.Fields) != len(want) {
		t.Fatalf("got %d fields, want %d", len(o.Fields), len(want))
	}
	for i, w := range want {
		f := o.Fields[i]
		if string(f.Name) != w.name || string(f.Value) != w.value || f.Type != w.typ {
			t.Errorf("field %d = %q %q %v, want %q %q %v", i, f.Name, f.Value, f.Type, w.name, w.value, w.typ)
		}
	}
	if !o.Nested {
		t.Error("Nested = false with an object and an array field")
	}
	if err := o.Parse([]byte(`{"a":"b"}`)); err != nil || len(o.Fields) != 1 || o.Nested {
		t.Errorf("reuse: err %v, %d fields, nested %v", err, len(o.Fields), o.Nested)
	}
	if err := o.Parse([]byte(`{}`)); err != nil || len(o.Fields) != 0 {
		t.Errorf("empty object: err %v, %d fields", err, len(o.Fields))
	}
}

func TestObjectParseErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		raw   string
		code  Code
		field string
		msg   string
	}{
		"empty":                 {"", Malformed, "", "empty input"},
		"array":                 {`[1,2]`, NotObject, "", "got a JSON array"},
		"string":                {`"x"`, NotObject, "", "got a JSON string"},
		"number":                {`12`, NotObject, "", "got a JSON number"},
		"null":                  {`null`, NotObject, "", "got a JSON null"},
		"broken array":          {`[1,`, Malformed, "", "want a value"},
		"array then garbage":    {`[1] x`, Malformed, "", "after the value"},
		"garbage":               {`hello`, Malformed, "", "want a value"},
		"truncated":             {`{"a":1`, Malformed, "", "want ',' or '}'"},
		"trailing":              {`{"a":1} {`, Malformed, "", "after the object"},
		"trailing comma":        {`{"a":1,}`, Malformed, "", "want a field name"},
		"unquoted name":         {`{a:1}`, Malformed, "", "want a field name"},
		"missing colon":         {`{"a" 1}`, Malformed, "a", "want ':'"},
		"missing value":         {`{"a":}`, Malformed, "a", "want a value"},
		"bad literal":           {`{"a":tru}`, Malformed, "a", "invalid literal"},
		"leading zero":          {`{"a":01}`, Malformed, "", "want ',' or '}'"},
		"bare minus":            {`{"a":-}`, Malformed, "a", "want a digit"},
		"bare point":            {`{"a":1.}`, Malformed, "a", "after the decimal point"},
		"bare exponent":         {`{"a":1e}`, Malformed, "a", "in the exponent"},
		"plus sign":             {`{"a":+1}`, Malformed, "a", "want a value"},
		"unterminated string":   {`{"a":"xy`, Malformed, "a", "unterminated string"},
		"unterminated escape":   {`{"a":"x\`, Malformed, "a", "unterminated escape"},
		"unterminated after \\": {`{"a":"x\n`, Malformed, "a", "unterminated string"},
		"bad escape":            {`{"a":"\q"}`, Malformed, "a", "invalid escape"},
		"short unicode":         {`{"a":"\u12"}`, Malformed, "a", `invalid \u escape`},
		"bad hex":               {`{"a":"\u12g4"}`, Malformed, "a", `invalid \u escape`},
		"raw tab":               {"{\"a\":\"x\ty\"}", Malformed, "a", "control character 0x09"},
		"raw newline escaped":   {"{\"a\":\"\\n\ny\"}", Malformed, "a", "control character 0x0a"},
		"raw NUL":               {"{\"a\":\"x\x00y\"}", NUL, "a", "raw NUL"},
		"raw NUL after escape":  {"{\"a\":\"\\n\x00\"}", NUL, "a", "raw NUL"},
		"escaped NUL":           {`{"a":"x\u0000y"}`, NUL, "a", `\u0000`},
		"NUL in name":           {`{"a\u0000":1}`, NUL, "", "in a field name"},
		"NUL outside string":    {"{\"a\":1\x00}", Malformed, "", "want ',' or '}'"},
		"bad UTF-8":             {"{\"id\":\"t-\xff1\"}", BadUTF8, "id", "0xff"},
		"bad UTF-8 escaped":     {"{\"id\":\"\\n\xc3\"}", BadUTF8, "id", "0xc3"},
		"overlong UTF-8":        {"{\"id\":\"\xc0\xaf\"}", BadUTF8, "id", "0xc0"},
		"surrogate in UTF-8":    {"{\"id\":\"\xed\xa0\x80\"}", BadUTF8, "id", "0xed"},
		"bad UTF-8 in name":     {"{\"i\xffd\":\"x\"}", BadUTF8, "", "in a field name"},
		"bad UTF-8 nested":      {"{\"o\":{\"k\":\"\xff\"}}", BadUTF8, "o", "0xff"},
		"NUL nested":            {`{"o":["\u0000"]}`, NUL, "o", `\u0000`},
		"lone high surrogate":   {`{"a":"\ud83dx"}`, BadUTF8, "a", "not followed by a low one"},
		"high then high":        {`{"a":"\ud83d\ud83d"}`, BadUTF8, "a", "not followed by a low one"},
		"lone low surrogate":    {`{"a":"\ude00"}`, BadUTF8, "a", "lone low surrogate"},
		"duplicate":             {`{"a":1,"b":2,"a":3}`, Duplicate, "a", "more than once"},
		"duplicate escaped":     {`{"a":1,"\u0061":2}`, Duplicate, "a", "more than once"},
		"nested mismatch":       {`{"o":[1}`, Malformed, "o", "want ',' or ']'"},
		"nested bad name":       {`{"o":{1:2}}`, Malformed, "o", "want a field name"},
		"nested no colon":       {`{"o":{"k" 2}}`, Malformed, "o", "want ':'"},
		"too deep":              {`{"o":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`, Malformed, "o", "nested deeper than 64"},
	} {
		t.Run(name, func(t *testing.T) {
			var o Object
			err := o.Parse([]byte(tc.raw))
			var we *Error
			if !errors.As(err, &we) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if we.Code != tc.code || we.Field != tc.field || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v (code %v, field %q), want code %v field %q containing %q", err, we.Code, we.Field, tc.code, tc.field, tc.msg)
			}
		})
	}
}

func TestDuplicateManyFields(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 40 {
		fmt.Fprintf(&b, `"f%d":%d,`, i, i)
	}
	var o Object
	if err := o.Parse([]byte(b.String() + `"last":1}`)); err != nil {
		t.Fatalf("40 distinct fields: %v", err)
	}
	for _, dup := range []string{"f3", "f20", "f39"} {
		err := o.Parse([]byte(b.String() + `"` + dup + `":1}`))
		var we *Error
		if !errors.As(err, &we) || we.Code != Duplicate || we.Field != dup {
			t.Errorf("duplicate %s among 41 fields: err = %v", dup, err)
		}
	}
}

func TestAccessors(t *testing.T) {
	var o Object
	raw := `{"s":"x\u00e9","n":null,"i":-42,"zero":-0,"max":9223372036854775807,"min":-9223372036854775808,` +
		`"f":12.5,"e":1e3,"q":"12","big":99999999999999999999,"low":-9223372036854775809,"o":{"a":1},"b":true}`
	if err := o.Parse([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"s": "xé", "n": "", "absent": ""} {
		if got, err := o.StringField(name); err != nil || got != want {
			t.Errorf("StringField(%s) = %q, %v, want %q", name, got, err, want)
		}
	}
	for name, msg := range map[string]string{"i": "want a string, got number -42", "o": `got object {"a":1}`, "b": "got boolean true"} {
		if _, err := o.StringField(name); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("StringField(%s) err = %v, want %q", name, err, msg)
		}
	}
	for name, want := range map[string]int64{"i": -42, "zero": 0, "max": 1<<63 - 1, "min": -1 << 63} {
		if got, err := o.Int64Field(name); err != nil || got != want {
			t.Errorf("Int64Field(%s) = %d, %v, want %d", name, got, err, want)
		}
	}
	for name, msg := range map[string]string{
		"f":      "f: 12.5 is not an integer literal",
		"e":      "e: 1e3 is not an integer literal",
		"q":      `q: want an integer, got string "12"`,
		"big":    "big: 99999999999999999999 is out of the int64 range",
		"low":    "low: -9223372036854775809 is out of the int64 range",
		"b":      "b: want an integer, got boolean true",
		"n":      "n: missing",
		"absent": "absent: missing",
	} {
		_, err := o.Int64Field(name)
		if err == nil || err.Error() != msg {
			t.Errorf("Int64Field(%s) err = %v, want %q", name, err, msg)
		}
		if missing := name == "n" || name == "absent"; errors.Is(err, ErrMissing) != missing {
			t.Errorf("Int64Field(%s): errors.Is(ErrMissing) = %v", name, !missing)
		}
	}
}

func TestZeroFieldIsAbsent(t *testing.T) {
	var f Field
	if v, err := f.StringBytes(); v != nil || err != nil {
		t.Errorf("StringBytes = %q, %v", v, err)
	}
	if _, err := f.Int64(); !errors.Is(err, ErrMissing) {
		t.Errorf("Int64 err = %v, want ErrMissing", err)
	}
}

func TestParseInt64(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "-0": "0", "7": "7", "-7": "-7",
		"9223372036854775807": "9223372036854775807", "-9223372036854775808": "-9223372036854775808",
		"": `"" is not an integer literal`, "-": "- is not an integer literal", "01": "01 is not an integer literal",
		"1.0": "1.0 is not an integer literal", " 1": `" 1" is not an integer literal`,
		"9223372036854775808":  "9223372036854775808 is out of the int64 range",
		"18446744073709551616": "18446744073709551616 is out of the int64 range",
	} {
		n, err := ParseInt64([]byte(in))
		got := fmt.Sprint(n)
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("ParseInt64(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestPeekString(t *testing.T) {
	for raw, want := range map[string]string{
		`{"transaction_id":"t-1","x":1}`:                                          "t-1",
		"{\"a\":\"\xff\x00\",\"b\":[1,{\"c\":\"]\"}],\"transaction_id\":\"t-2\"}": "t-2",
		"{\"\xff\":1,\"transaction_id\":\"t-3\"}":                                 "t-3",
		`{"a": nonsense, "transaction_id" : "t-\u0034"}`:                          "t-4",
		"{\"transaction_id\":\"t-\xff\",\"transaction_id\":\"t-5\"}":              "t-5",
	} {
		if got, ok := PeekString([]byte(raw), "transaction_id"); !ok || got != want {
			t.Errorf("PeekString(%q) = %q, %v, want %q", raw, got, ok, want)
		}
	}
	for _, raw := range []string{
		``, `[1]`, `{"transaction_id":7}`, "{\"transaction_id\":\"t-\x00\"}", `{"transaction_id":"t-\u0000"}`,
		`{"a":[1}, "transaction_id":"t"}`, `{"a" 1, "transaction_id":"t"}`, `{"a":1}`, `{"a":"x`, `{"transaction_id":"t`,
	} {
		if got, ok := PeekString([]byte(raw), "transaction_id"); ok {
			t.Errorf("PeekString(%q) = %q, want none", raw, got)
		}
	}
}

func TestErrorAndCodeStrings(t *testing.T) {
	e := &Error{Code: BadUTF8, Offset: 7, Field: "id", Msg: "invalid UTF-8 byte 0xff in string"}
	if got := e.Error(); got != `field "id": invalid UTF-8 at byte 7: invalid UTF-8 byte 0xff in string` {
		t.Errorf("Error() = %s", got)
	}
	for c := Malformed; c <= Duplicate; c++ {
		if strings.HasPrefix(c.String(), "Code(") {
			t.Errorf("code %d has no name", c)
		}
	}
	if Code(99).String() != "Code(99)" || Type(99).String() != "invalid" {
		t.Error("unknown code or type names")
	}
}

package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

var envelopeSeeds = []string{
	`{"data":[{"a":1},{"b":2}],"next_cursor":"c2","total":2}`,
	`{"next_cursor":null,"data":[]}`,
	"{\"data\":[{\"id\":\"a\xff\x00\x01\n\"},{\"id\":\"\\\\\"},{\"id\":\"q\\\"]\"}]}",
	`{"meta":{"x":[1,{"y":"]}"}]},"data":["s",[],{}],"note":"},]"}`,
	`{"data":[{"a":[1}]}`,
	`{"data":[1,,2]}`,
	`{"data":[1]} x`,
	`{"d\u0061ta":[1],"next_cursor":"\ud83d\ude00"}`,
}

// FuzzEnvelope checks that any body either fails with an *Error or yields
// elements that survive being written into a fresh envelope and scanned
// again, and that on valid JSON the elements are encoding/json's.
func FuzzEnvelope(f *testing.F) {
	for _, s := range envelopeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := ScanEnvelope(body)
		if err != nil {
			checkError(t, err)
			return
		}
		for i, e := range env.Elements {
			if len(e) == 0 || isSpace(e[0]) || isSpace(e[len(e)-1]) {
				t.Fatalf("element %d = %q: empty or untrimmed", i, e)
			}
		}
		rebuilt := rebuild(t, env)
		again, err := ScanEnvelope(rebuilt)
		if err != nil {
			t.Fatalf("rebuilt body %q: %v", rebuilt, err)
		}
		sameEnvelope(t, again, env)
		if json.Valid(body) {
			compareWithStdlib(t, body, env)
		}
	})
}

// FuzzEnvelopeRoundTrip writes arbitrary bytes, bad ones included, into
// the strings of two elements and checks that both come back intact.
func FuzzEnvelopeRoundTrip(f *testing.F) {
	f.Add([]byte("t-1"), []byte("x"), "c")
	f.Add([]byte("a\xff\x00\n]},{"), []byte(`\"`), "")
	f.Fuzz(func(t *testing.T, a, b []byte, cursor string) {
		if !utf8.ValidString(cursor) || strings.ContainsRune(cursor, 0) {
			cursor = ""
		}
		want := Envelope{Elements: [][]byte{
			[]byte(`{"id":"` + escapeQuotes(a) + `","n":[1,{"k":"v"}]}`),
			[]byte(`"` + escapeQuotes(b) + `"`),
		}, NextCursor: cursor, Total: 2}
		env, err := ScanEnvelope(rebuild(t, want))
		if err != nil {
			t.Fatalf("ScanEnvelope: %v", err)
		}
		sameEnvelope(t, env, want)
	})
}

// FuzzObject checks Parse against encoding/json: what Parse accepts is
// valid JSON with the same fields and values, what it refuses is refused
// for the reason it names, and accepted fields written back parse the same.
func FuzzObject(f *testing.F) {
	for _, s := range []string{
		`{"transaction_id":"t-1","amount":-1500,"ok":true,"n":null,"o":{"a":[1,2]}}`,
		`{"e":"a\"b\\c\/\b\f\n\r\t\u00e9\ud83d\ude00"}`,
		"{\"a\":\"\xff\"}", `{"a":"\u0000"}`, `{"a":1,"a":2}`, `[1]`, `{"a":1e-3}`, `{"a":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var o Object
		if err := o.Parse(raw); err != nil {
			checkError(t, err)
			checkRefusal(t, raw, err.(*Error))
			return
		}
		if !json.Valid(raw) || !utf8.Valid(raw) {
			t.Fatalf("accepted invalid JSON %q", raw)
		}
		compareObject(t, raw, &o)
		fields := append([]Field(nil), o.Fields...)
		rebuilt := writeObject(t, fields)
		var again Object
		if err := again.Parse(rebuilt); err != nil {
			t.Fatalf("rebuilt %q: %v", rebuilt, err)
		}
		for i, f := range again.Fields {
			if !bytes.Equal(f.Name, fields[i].Name) || !bytes.Equal(f.Value, fields[i].Value) || f.Type != fields[i].Type {
				t.Fatalf("field %d changed from %q to %q", i, fields[i], f)
			}
		}
	})
}

func checkError(t *testing.T, err error) {
	t.Helper()
	var we *Error
	if !errors.As(err, &we) || we.Code < Malformed || we.Code > Duplicate {
		t.Fatalf("error %v is not a coded *Error", err)
	}
	if !utf8.ValidString(err.Error()) || strings.ContainsRune(err.Error(), 0) {
		t.Fatalf("message %q is not clean text", err.Error())
	}
}

// checkRefusal holds each refusal to the reason it gives.
func checkRefusal(t *testing.T, raw []byte, err *Error) {
	t.Helper()
	lower := bytes.ToLower(raw)
	switch {
	case err.Code == Malformed && !strings.Contains(err.Msg, "nested deeper") && json.Valid(raw):
		t.Fatalf("valid JSON %q refused as malformed: %v", raw, err)
	case err.Code == NotObject && (!json.Valid(raw) || bytes.TrimLeft(raw, " \t\r\n")[0] == '{'):
		t.Fatalf("%q refused as not an object: %v", raw, err)
	case err.Code == BadUTF8 && utf8.Valid(raw) && !bytes.Contains(lower, []byte(`\ud`)):
		t.Fatalf("%q refused as invalid UTF-8: %v", raw, err)
	case err.Code == NUL && !bytes.Contains(raw, []byte{0}) && !bytes.Contains(lower, []byte(`\u0000`)):
		t.Fatalf("%q refused for a NUL: %v", raw, err)
	}
}

// compareObject checks o's fields against encoding/json's reading of raw.
func compareObject(t *testing.T, raw []byte, o *Object) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || len(m) != len(o.Fields) {
		t.Fatalf("encoding/json reads %d fields (%v), Parse %d", len(m), err, len(o.Fields))
	}
	for _, f := range o.Fields {
		v, ok := m[string(f.Name)]
		if !ok {
			t.Fatalf("field %q unknown to encoding/json", f.Name)
		}
		if f.Type != TypeString {
			if !bytes.Equal(v, f.Value) {
				t.Fatalf("field %q = %q, encoding/json %q", f.Name, f.Value, v)
			}
			continue
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil || s != string(f.Value) {
			t.Fatalf("field %q = %q, encoding/json %q (%v)", f.Name, f.Value, s, err)
		}
	}
}

func writeObject(t *testing.T, fields []Field) []byte {
	t.Helper()
	b := []byte{'{'}
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, marshal(t, string(f.Name))...)
		b = append(b, ':')
		if f.Type == TypeString {
			b = append(b, marshal(t, string(f.Value))...)
		} else {
			b = append(b, f.Value...)
		}
	}
	return append(b, '}')
}

func rebuild(t *testing.T, env Envelope) []byte {
	t.Helper()
	b := []byte(`{"data":[`)
	b = append(b, bytes.Join(env.Elements, []byte(","))...)
	b = append(b, `],"next_cursor":`...)
	b = append(b, marshal(t, env.NextCursor)...)
	if env.Total >= 0 {
		b = append(b, `,"total":`...)
		b = append(b, marshal(t, env.Total)...)
	}
	return append(b, '}')
}

func sameEnvelope(t *testing.T, got, want Envelope) {
	t.Helper()
	if got.NextCursor != want.NextCursor || got.Total != want.Total || len(got.Elements) != len(want.Elements) {
		t.Fatalf("got cursor %q total %d %d elements, want %q %d %d", got.NextCursor, got.Total, len(got.Elements),
			want.NextCursor, want.Total, len(want.Elements))
	}
	for i := range got.Elements {
		if !bytes.Equal(got.Elements[i], want.Elements[i]) {
			t.Fatalf("element %d = %q, want %q", i, got.Elements[i], want.Elements[i])
		}
	}
}

// compareWithStdlib checks the elements of a valid JSON body against
// encoding/json's, when it reads the same envelope.
func compareWithStdlib(t *testing.T, body []byte, env Envelope) {
	t.Helper()
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		t.Fatalf("ScanEnvelope accepted %q, encoding/json does not read an object", body)
	}
	var data []json.RawMessage
	if err := json.Unmarshal(m["data"], &data); err != nil {
		t.Fatalf("ScanEnvelope accepted %q, encoding/json reads no array: %v", body, err)
	}
	if len(data) != len(env.Elements) {
		t.Fatalf("%d elements, encoding/json %d", len(env.Elements), len(data))
	}
	for i, d := range data {
		if !bytes.Equal(d, env.Elements[i]) {
			t.Fatalf("element %d = %q, encoding/json %q", i, env.Elements[i], d)
		}
	}
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// escapeQuotes escapes only what would end a JSON string early, leaving
// every other byte raw, however invalid.
func escapeQuotes(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		if c == '"' || c == '\\' {
			s.WriteByte('\\')
		}
		s.WriteByte(c)
	}
	return s.String()
}

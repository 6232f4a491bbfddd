package wire

import (
	"errors"
	"strings"
	"testing"
)

func TestScanEnvelope(t *testing.T) {
	for name, tc := range map[string]struct {
		body   string
		elems  []string
		cursor string
		total  int64
	}{
		"plain":          {`{"data":[{"a":1},{"b":2}],"next_cursor":"c2"}`, []string{`{"a":1}`, `{"b":2}`}, "c2", -1},
		"keys reordered": {`{"total":7,"next_cursor":"c","data":[1]}`, []string{`1`}, "c", 7},
		"whitespace":     {" \r\n\t{ \"data\" : [ {\"a\" : 1} ,\n\t[2] ] , \"next_cursor\" : null } \n", []string{`{"a" : 1}`, `[2]`}, "", -1},
		"empty data":     {`{"data":[],"next_cursor":""}`, []string{}, "", -1},
		"empty spaced":   {`{"data":[ ]}`, []string{}, "", -1},
		"null total":     {`{"data":[],"total":null}`, []string{}, "", -1},
		"zero total":     {`{"data":[],"total":0}`, []string{}, "", 0},
		"unknown keys": {`{"meta":{"x":[1,{"y":"]}"}]},"data":["s"],"note":"},]","n":-1.5e3,"t":true}`,
			[]string{`"s"`}, "", -1},
		"escaped cursor": {`{"data":[],"next_cursor":"a\"b\u00e9\ud83d\ude00"}`, []string{}, "a\"bé😀", -1},
		"escaped key":    {`{"d\u0061ta":[1]}`, []string{`1`}, "", -1},
		"nested":         {`{"data":[{"a":{"b":[1,[2,{"c":"}"}]]}},3]}`, []string{`{"a":{"b":[1,[2,{"c":"}"}]]}}`, `3`}, "", -1},
		// Bad bytes inside an element do not move its boundaries.
		"bad bytes in strings": {"{\"data\":[{\"id\":\"a\xff\x00\x01\n\"},{\"id\":\"\\\\\"},{\"id\":\"q\\\"]\"}]}",
			[]string{"{\"id\":\"a\xff\x00\x01\n\"}", `{"id":"\\"}`, `{"id":"q\"]"}`}, "", -1},
		"garbage element": {"{\"data\":[{\"a\":tru\x00e},1 2,{\"b\":1}]}", []string{"{\"a\":tru\x00e}", "1 2", `{"b":1}`}, "", -1},
	} {
		t.Run(name, func(t *testing.T) {
			env, err := ScanEnvelope([]byte(tc.body))
			if err != nil {
				t.Fatalf("ScanEnvelope: %v", err)
			}
			if len(env.Elements) != len(tc.elems) {
				t.Fatalf("got %d elements %q, want %q", len(env.Elements), env.Elements, tc.elems)
			}
			for i, e := range env.Elements {
				if string(e) != tc.elems[i] {
					t.Errorf("element %d = %q, want %q", i, e, tc.elems[i])
				}
			}
			if env.NextCursor != tc.cursor || env.Total != tc.total {
				t.Errorf("cursor %q total %d, want %q %d", env.NextCursor, env.Total, tc.cursor, tc.total)
			}
		})
	}
}

func TestScanEnvelopeErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		body string
		code Code
		msg  string
	}{
		"empty":               {"", Malformed, "empty body"},
		"blank":               {"  \n", Malformed, "empty body"},
		"array":               {`[{"data":[]}]`, NotObject, "want '{'"},
		"html":                {`<html>`, NotObject, "want '{'"},
		"empty object":        {`{}`, Malformed, `no "data" array`},
		"no data":             {`{"next_cursor":"c"}`, Malformed, `no "data" array`},
		"data null":           {`{"data":null}`, Malformed, "want an array"},
		"data object":         {`{"data":{"oops":1}}`, Malformed, "want an array"},
		"truncated":           {`{"data":[{"a":1},{"b":`, Malformed, "body ends inside a value"},
		"truncated string":    {`{"data":[{"a":"xyz`, Malformed, "body ends inside the string"},
		"truncated after":     {`{"data":[1]`, Malformed, "want ',' or '}'"},
		"truncated key":       {`{"data":[1],"next_`, Malformed, "unterminated string"},
		"missing colon":       {`{"data" [1]}`, Malformed, "want ':'"},
		"missing comma":       {`{"data":[1] "next_cursor":"c"}`, Malformed, "want ',' or '}'"},
		"trailing comma":      {`{"data":[1],}`, Malformed, "want a key"},
		"non-string key":      {`{data:[1]}`, Malformed, "want a key"},
		"trailing garbage":    {`{"data":[1]} x`, Malformed, "after the envelope"},
		"second object":       {`{"data":[1]}{"data":[2]}`, Malformed, "after the envelope"},
		"mismatched bracket":  {`{"data":[{"a":[1}]}`, Malformed, "unexpected '}', want ']'"},
		"stray closer":        {`{"data":[1}]}`, Malformed, "want ',' or ']'"},
		"empty element":       {`{"data":[1,,2]}`, Malformed, "empty element 1"},
		"element trailing ,":  {`{"data":[1, ]}`, Malformed, "empty element 1"},
		"leading comma":       {`{"data":[,1]}`, Malformed, "empty element 0"},
		"duplicate data":      {`{"data":[1],"data":[2]}`, Duplicate, "more than once"},
		"duplicate cursor":    {`{"data":[1],"next_cursor":"a","next_cursor":"b"}`, Duplicate, "more than once"},
		"numeric cursor":      {`{"data":[],"next_cursor":5}`, Malformed, "want a string or null"},
		"cursor bad utf8":     {"{\"data\":[],\"next_cursor\":\"a\xffb\"}", BadUTF8, "0xff"},
		"cursor control char": {"{\"data\":[],\"next_cursor\":\"a\tb\"}", Malformed, "control character"},
		"cursor nul":          {`{"data":[],"next_cursor":"a\u0000"}`, NUL, "NUL"},
		"cursor bad escape":   {`{"data":[],"next_cursor":"a\x"}`, Malformed, "invalid escape"},
		"bad null":            {`{"data":[],"next_cursor":nul}`, Malformed, "invalid literal"},
		"float total":         {`{"data":[],"total":1.5}`, Malformed, "non-negative integer"},
		"negative total":      {`{"data":[],"total":-1}`, Malformed, "non-negative integer"},
		"string total":        {`{"data":[],"total":"3"}`, Malformed, "want a digit"},
		"huge total":          {`{"data":[],"total":99999999999999999999}`, Malformed, "non-negative integer"},
		"unknown no value":    {`{"x":,"data":[]}`, Malformed, "want a value"},
		"bad key utf8":        {"{\"\xff\":1,\"data\":[]}", BadUTF8, "in a key"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ScanEnvelope([]byte(tc.body))
			var we *Error
			if !errors.As(err, &we) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if we.Code != tc.code || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v (code %v), want code %v containing %q", err, we.Code, tc.code, tc.msg)
			}
		})
	}
}

func TestScanEnvelopeElementsAliasBody(t *testing.T) {
	body := []byte(`{"data":[{"a":1},{"b":2}]}`)
	env, err := ScanEnvelope(body)
	if err != nil {
		t.Fatal(err)
	}
	// Appending to one element must not overwrite the next in the body.
	_ = append(env.Elements[0], 'X')
	if string(body) != `{"data":[{"a":1},{"b":2}]}` {
		t.Errorf("body changed to %s", body)
	}
}

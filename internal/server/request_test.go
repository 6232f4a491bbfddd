package server

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fieldOf is the field a 400 names.
func fieldOf(t *testing.T, err error) string {
	t.Helper()
	var e *apiError
	if !errors.As(err, &e) || e.Status != http.StatusBadRequest {
		t.Fatalf("error %v is not a 400", err)
	}
	return e.Field
}

func TestDecodeJSONNamesTheField(t *testing.T) {
	for body, field := range map[string]string{
		``:                            "body",
		`{"reason": 7}`:               "reason",
		`{"reason": "x", "actor": 1}`: "actor",
		`{"reason": "x"} {}`:          "body",
		`{"reason": `:                 "body",
	} {
		var v actionRequest
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		if got := fieldOf(t, decodeJSON(httptest.NewRecorder(), r, &v)); got != field {
			t.Errorf("%q: field %q, want %q", body, got, field)
		}
	}
}

func TestIntParam(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/?limit=5000&offset=x", nil)
	if got := fieldOf(t, func() error { _, err := intParam(r, "limit", 100, 1, 1000); return err }()); got != "limit" {
		t.Errorf("field %q", got)
	}
	if n, err := intParam(httptest.NewRequest(http.MethodGet, "/", nil), "limit", 100, 1, 1000); n != 100 || err != nil {
		t.Errorf("default = %d, %v", n, err)
	}
}

// writeCSV answers an attachment in RFC 4180.
func TestWriteCSV(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := writeCSV(rec, "x.csv", []string{"id", "note"}, [][]string{{"1", "a,b"}}); err != nil {
		t.Fatal(err)
	}
	if rec.Body.String() != "id,note\n1,\"a,b\"\n" || !strings.Contains(rec.Header().Get("Content-Disposition"), "x.csv") {
		t.Errorf("CSV written: %q %v", rec.Body.String(), rec.Header())
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/cycles/x": "/cycles/x", "": "/cycles", "//evil.example": "/cycles",
		"https://evil.example": "/cycles", "/\\evil": "/cycles"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

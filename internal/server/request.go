package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/workflows"
)

// maxBody bounds a JSON request; maxUpload a console upload; maxRequest
// any request's body, before a handler sets its own, lower limit: the
// largest a route takes is a discrepancy CSV import with its form fields.
const (
	maxBody    = 1 << 20
	maxUpload  = 16 << 20
	maxRequest = platform.MaxImportBytes + 1<<20
)

// decodeJSON reads a JSON body strictly: an unknown field or trailing data
// is an error naming it.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			return badField(typeErr.Field, "want a %s", typeErr.Type)
		case errors.Is(err, io.EOF):
			return badField("body", "empty; want a JSON object")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return badField(name, "unknown field")
		}
		return badField("body", "not valid JSON: %v", err)
	}
	if dec.More() {
		return badField("body", "holds more than one JSON value")
	}
	return nil
}

// intParam reads an optional integer query parameter within [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badField(name, "%q is not a whole number from %d to %d", v, lo, hi)
	}
	return n, nil
}

// cycleOf is the workflow ID a /cycles/{scope}/{period} path names.
func cycleOf(r *http.Request) string {
	return workflows.WorkflowID(r.PathValue("scope"), r.PathValue("period"))
}

// cyclePath is the {scope}/{period} part of a cycle's URL.
func cyclePath(scope, period string) string {
	return url.PathEscape(scope) + "/" + url.PathEscape(period)
}

// requireText returns a trimmed required text field.
func requireText(field, value string) (string, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return "", badField(field, "required")
	}
	return v, nil
}

package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/store"
)

// Error codes of the API's error answers.
const (
	codeInvalid         = "invalid"         // 400: the request is wrong; field says where
	codeUnauthenticated = "unauthenticated" // 401: no, unknown, revoked or expired token or session
	codeForbidden       = "forbidden"       // 403: the token's role does not allow this
	codeCSRF            = "csrf"            // 403: a console form without its CSRF token
	codeNotFound        = "not_found"       // 404
	codeTooLarge        = "too_large"       // 413: the body is over what any route accepts
	codeRefused         = "refused"         // 409: the cycle's state does not allow it (four eyes, not blocked…)
	codeUnavailable     = "unavailable"     // 503: Postgres or Temporal does not answer
	codeInternal        = "internal"        // 500: see the server log
)

// apiError is an error answer: {"error": {"code", "message", "field"}}.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Rows are a refused import's errors, one per row and field, so a
	// client can point at each without parsing the message.
	Rows []rowErrorJSON `json:"rows,omitempty"`
}

type rowErrorJSON struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return e.Message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// badField is a 400 naming the field and the reason.
func badField(field, format string, args ...any) *apiError {
	e := errorf(http.StatusBadRequest, codeInvalid, field+": "+format, args...)
	e.Field = field
	return e
}

// errorOf classifies an error from the platform as an answer. An error
// the server cannot explain is logged and answered without its details.
func (s *Server) errorOf(r *http.Request, err error) *apiError {
	var ae *apiError
	var inv *platform.InvalidError
	var app *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	var unavailable *serviceerror.Unavailable
	var field recon.FieldError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &inv):
		e := errorf(http.StatusBadRequest, codeInvalid, "%s", err.Error())
		e.Field = inv.Field
		return e
	case isImportError(err):
		return importError(err)
	case errors.As(err, &field):
		return resolutionError(err, field)
	case errors.Is(err, store.ErrConflict):
		return errorf(http.StatusConflict, codeRefused, "%s", err.Error())
	case errors.Is(err, platform.ErrUnauthenticated):
		return errorf(http.StatusUnauthorized, codeUnauthenticated, "%s", err.Error())
	case errors.Is(err, store.ErrNotFound), errors.Is(err, platform.ErrNoSchedule), errors.As(err, &notFound):
		return errorf(http.StatusNotFound, codeNotFound, "%s", err.Error())
	case errors.As(err, &app):
		// An Update's validator refused the action; its message says why.
		return errorf(http.StatusConflict, codeRefused, "%s", err.Error())
	case errors.As(err, &unavailable), errors.Is(err, context.DeadlineExceeded):
		return errorf(http.StatusServiceUnavailable, codeUnavailable, "%s", err.Error())
	}
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	return errorf(http.StatusInternalServerError, codeInternal, "internal error; the server log has the details")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		slog.Debug("write JSON answer", "error", err) // the client went away
	}
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="settleflow"`)
	}
	writeJSON(w, e.Status, map[string]*apiError{"error": e})
}

// notFound answers an unknown path: JSON under /api/, a page elsewhere.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	e := errorf(http.StatusNotFound, codeNotFound, "no such page: %s %s", r.Method, r.URL.Path)
	if isAPI(r) {
		writeError(w, e)
		return
	}
	s.renderError(w, r, e)
}

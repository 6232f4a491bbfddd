package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/settleflow/settleflow/internal/access"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/store"
)

// caller is who makes a request: the token's identity and, for a console
// session, the CSRF token its forms must carry.
type caller struct {
	access.Identity
	session string // the session secret; empty for a bearer token
	csrf    string
}

// handler serves one authenticated, authorised route.
type handler func(w http.ResponseWriter, r *http.Request, c caller) error

// route is one API endpoint or console page and the role it needs.
type route struct {
	method, pattern string
	role            access.Role
	page            bool // a console page: errors are HTML, no login redirects to /login
	h               handler
}

// guard authenticates the request, checks the route's role (and a console
// form's CSRF token), runs the handler and records every mutating call.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Bounded before anything reads it: the CSRF check may parse a
		// form before the handler sets its own limit.
		r.Body = http.MaxBytesReader(w, r.Body, maxRequest)
		c, err := s.authenticate(r)
		if err != nil {
			s.fail(w, r, rt, err)
			return
		}
		rec := &statusRecorder{ResponseWriter: w}
		if err := s.authorize(r, rt, c); err != nil {
			s.fail(rec, r, rt, err)
		} else if err := rt.h(rec, r, c); err != nil {
			s.fail(rec, r, rt, err)
		}
		if !safeMethod(r.Method) {
			s.audit(r, c, rec.code())
		}
	})
}

// authenticate finds the caller from a bearer token or, failing that, a
// console session cookie. Both are looked up in Postgres on every
// request, so a revoked token stops working at once.
func (s *Server) authenticate(r *http.Request) (caller, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return caller{}, errorf(http.StatusUnauthorized, codeUnauthenticated, `Authorization header: want "Bearer <token>"`)
		}
		id, err := platform.Authenticate(ctx, s.o.Store, strings.TrimSpace(token))
		return caller{Identity: id}, err
	}
	cookie, err := r.Cookie(sessionCookie)
	if err != nil {
		return caller{}, errorf(http.StatusUnauthorized, codeUnauthenticated,
			"no credentials: send an API token as \"Authorization: Bearer <token>\" or log in to the console")
	}
	id, err := platform.SessionIdentity(ctx, s.o.Store, cookie.Value)
	return caller{Identity: id, session: cookie.Value, csrf: csrfToken(cookie.Value)}, err
}

// authorize checks the route's role and, for a mutating call made with a
// session cookie (which a browser sends by itself), the CSRF token.
func (s *Server) authorize(r *http.Request, rt route, c caller) error {
	if !c.Role.Allows(rt.role) {
		return errorf(http.StatusForbidden, codeForbidden, "%s %s needs role %s; %s's token has role %s",
			r.Method, r.URL.Path, rt.role, c.Name, c.Role)
	}
	if c.session != "" && !safeMethod(r.Method) {
		return checkCSRF(r, c.csrf)
	}
	return nil
}

// fail answers an error as JSON for the API or as a page for the console;
// an unauthenticated console visitor is sent to log in.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, rt route, err error) {
	e := s.errorOf(r, err)
	if !rt.page {
		writeError(w, e)
		return
	}
	if e.Status == http.StatusUnauthorized {
		clearSessionCookie(w, s.secure(r))
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.renderError(w, r, e)
}

// audit appends a mutating call to api_calls with who made it.
func (s *Server) audit(r *http.Request, c caller, status int) {
	err := s.o.Store.RecordAPICall(r.Context(), store.APICall{Actor: c.Name, TokenID: c.TokenID, Role: string(c.Role),
		Method: r.Method, Path: r.URL.Path, Status: status})
	if err != nil {
		s.log.Error("recording an API call failed", "actor", c.Name, "method", r.Method, "path", r.URL.Path, "error", err)
		return
	}
	s.log.Info("api call", "actor", c.Name, "role", c.Role, "method", r.Method, "path", r.URL.Path, "status", status)
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// statusRecorder keeps the status a handler answered with, for the audit.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush for server-sent events.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusRecorder) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

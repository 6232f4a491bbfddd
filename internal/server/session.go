package server

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/settleflow/settleflow/internal/access"
	"github.com/settleflow/settleflow/internal/platform"
)

// Cookies: the session, and the login form's double-submit CSRF token
// (there is no session yet to bind a token to).
const (
	sessionCookie = "settleflow_session"
	loginCookie   = "settleflow_login"
)

// secure says whether cookies must be Secure: over TLS, or when told the
// server sits behind a TLS proxy.
func (s *Server) secure(r *http.Request) bool { return r.TLS != nil || s.o.SecureCookies }

func cookie(name, value string, maxAge int, secure bool) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteStrictMode}
}

func clearSessionCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, cookie(sessionCookie, "", -1, secure))
}

// loginPage shows the login form with a fresh double-submit CSRF token.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, r, http.StatusOK, "")
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	token, _, err := access.NewSecret()
	if err != nil {
		s.renderError(w, r, s.errorOf(r, err))
		return
	}
	http.SetCookie(w, cookie(loginCookie, token, 600, s.secure(r)))
	s.render(w, r, status, "login", view{Title: "Log in", CSRF: token, Error: msg,
		Data: map[string]string{"Next": safeNext(r.FormValue("next"))}})
}

// login exchanges an API token for a console session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	// Anyone may post here, so the form is read within a small limit.
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	posted, err := formValue(r, csrfField)
	if err != nil {
		s.renderError(w, r, s.errorOf(r, err))
		return
	}
	c, err := r.Cookie(loginCookie)
	if err != nil || posted == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(posted)) != 1 || !sameOrigin(r) {
		s.renderLogin(w, r, http.StatusForbidden, "The form expired or came from elsewhere; log in again.")
		return
	}
	secret, id, err := platform.StartSession(r.Context(), s.o.Store, strings.TrimSpace(r.PostFormValue("token")), s.o.SessionTTL)
	if errors.Is(err, platform.ErrUnauthenticated) {
		s.renderLogin(w, r, http.StatusUnauthorized, "Unknown, revoked or expired token.")
		return
	}
	if err != nil {
		s.renderError(w, r, s.errorOf(r, err))
		return
	}
	http.SetCookie(w, cookie(loginCookie, "", -1, s.secure(r)))
	http.SetCookie(w, cookie(sessionCookie, secret, int(s.o.SessionTTL/time.Second), s.secure(r)))
	s.log.Info("console login", "actor", id.Name, "role", id.Role)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, c caller) error {
	if c.session != "" {
		if err := platform.EndSession(r.Context(), s.o.Store, c.session); err != nil {
			return err
		}
	}
	clearSessionCookie(w, s.secure(r))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/cycles"
	}
	return next
}

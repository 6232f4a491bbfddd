package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
)

// csrfField is the hidden form field, and csrfHeader the header a script
// sends, carrying a console session's CSRF token.
const (
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"
)

// csrfToken is a session's CSRF token: an HMAC of a fixed label keyed by
// the session secret. It is bound to the session, never stored, and cannot
// be computed by a page that cannot read the HttpOnly session cookie.
func csrfToken(session string) string {
	m := hmac.New(sha256.New, []byte(session))
	m.Write([]byte("settleflow console csrf v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// checkCSRF refuses a mutating session request whose form field or header
// does not carry the session's token, or that comes from another origin.
func checkCSRF(r *http.Request, want string) error {
	if !sameOrigin(r) {
		return errorf(http.StatusForbidden, codeCSRF, "request from another origin (%s) refused", r.Header.Get("Origin"))
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		var err error
		if got, err = formValue(r, csrfField); err != nil {
			return err
		}
	}
	if got == "" || !hmac.Equal([]byte(got), []byte(want)) {
		return errorf(http.StatusForbidden, codeCSRF, "missing or wrong CSRF token: reload the page and submit the form again")
	}
	return nil
}

// sameOrigin accepts a request whose Origin header, when a browser sent
// one, names this host.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// formValue reads a POST form field, multipart or not, without reading
// the query string. A form that cannot be parsed has no such field; one
// over the request limit is refused as too large.
func formValue(r *http.Request, name string) (string, error) {
	err := r.ParseMultipartForm(maxUpload)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return "", errorf(http.StatusRequestEntityTooLarge, codeTooLarge, "request body over %d bytes refused", tooLarge.Limit)
	case err != nil && err != http.ErrNotMultipart:
		return "", nil
	}
	return r.PostFormValue(name), nil
}

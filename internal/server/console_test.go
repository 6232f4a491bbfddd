package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/testenv"
)

// A token is exchanged for a session cookie that is HttpOnly and
// SameSite=Strict; a wrong token or a login form from elsewhere is
// refused; revoking the token ends its session at once; logging out ends
// it too.
func TestConsoleSessions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.RigOptions{NoWorker: true})

	stranger := h.browser()
	a := h.do(stranger, h.form(http.MethodPost, "/login", url.Values{csrfField: {"forged"}, "token": {h.tokens[oscar]}}))
	h.want(a, http.StatusForbidden, "login without the form's cookie")

	wrong := h.browser()
	page := h.do(wrong, h.get("/login"))
	a = h.do(wrong, h.form(http.MethodPost, "/login", url.Values{csrfField: {hiddenValue(t, string(page.body), csrfField)},
		"token": {"sft_" + strings.Repeat("A", 43)}}))
	h.want(a, http.StatusUnauthorized, "login with an unknown token")

	b := h.browser()
	h.login(b, oscar)
	u, _ := url.Parse(h.url)
	cookies := b.Jar.Cookies(u)
	if len(cookies) != 1 || cookies[0].Name != sessionCookie || cookies[0].Value == h.tokens[oscar] {
		t.Fatalf("cookies after login: %v", cookies)
	}
	resp := h.do(h.browser(), h.get("/login"))
	for _, line := range resp.header.Values("Set-Cookie") {
		if !strings.Contains(line, "HttpOnly") || !strings.Contains(line, "SameSite=Strict") || strings.Contains(line, "Secure") {
			t.Errorf("cookie over plain HTTP: %s", line)
		}
	}
	me := h.want(h.do(b, h.get("/cycles")), http.StatusOK, "cycles")
	if !strings.Contains(string(me.body), `<span id="me">oscar</span>`) {
		t.Error("the console does not say who is logged in")
	}

	if _, err := platform.RevokeTokens(h.ctx(), h.rig.Store, oscar, "test"); err != nil {
		t.Fatal(err)
	}
	gone := h.do(b, h.get("/cycles"))
	if gone.status != http.StatusSeeOther || !strings.HasPrefix(gone.header.Get("Location"), "/login") {
		t.Errorf("after revoking the token: HTTP %d to %q, want a redirect to /login", gone.status, gone.header.Get("Location"))
	}
	h.want(h.call(oscar, http.MethodGet, "/api/v1/whoami", nil), http.StatusUnauthorized, "revoked token on the API")

	v := h.browser()
	csrf := h.login(v, vera)
	h.want(h.do(v, h.form(http.MethodPost, "/logout", url.Values{csrfField: {csrf}})), http.StatusSeeOther, "logout")
	if a := h.do(v, h.get("/cycles")); a.status != http.StatusSeeOther {
		t.Errorf("after logout: HTTP %d, want a redirect to /login", a.status)
	}
}

// A console form without the session's CSRF token, with a wrong one or
// from another origin is refused; with it, the request reaches the
// handler. Scripts using the session on the API send the token as a
// header.
func TestConsoleCSRF(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.RigOptions{NoWorker: true})
	b := h.browser()
	csrf := h.login(b, oscar)
	retry := "/cycles/" + testenv.DemoScope + "/2026-11-01/retry"

	for name, v := range map[string]url.Values{
		"no token":    {"reason": {"because"}},
		"wrong token": {"reason": {"because"}, csrfField: {strings.Repeat("0", 64)}},
	} {
		a := h.do(b, h.form(http.MethodPost, retry, v))
		if a.status != http.StatusForbidden || !strings.Contains(string(a.body), "CSRF") {
			t.Errorf("%s: HTTP %d, want 403 for CSRF", name, a.status)
		}
	}
	req := h.form(http.MethodPost, retry, url.Values{"reason": {"because"}, csrfField: {csrf}})
	req.Header.Set("Origin", "https://evil.example")
	h.want(h.do(b, req), http.StatusForbidden, "cross-origin form")

	// With the token the form gets as far as the cycle, which does not exist.
	h.want(h.do(b, h.form(http.MethodPost, retry, url.Values{"reason": {"because"}, csrfField: {csrf}})), http.StatusNotFound, "form with its token")

	api := "/api/v1" + retry
	noHeader, err := http.NewRequestWithContext(h.ctx(), http.MethodPost, h.url+api, strings.NewReader(`{"reason":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if a := h.do(b, noHeader); a.status != http.StatusForbidden || a.errCode(t) != codeCSRF {
		t.Errorf("session API call without the header: HTTP %d %s", a.status, a.body)
	}
	withHeader, err := http.NewRequestWithContext(h.ctx(), http.MethodPost, h.url+api, strings.NewReader(`{"reason":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	withHeader.Header.Set(csrfHeader, csrf)
	h.want(h.do(b, withHeader), http.StatusNotFound, "session API call with the header")
}

// A form body is read within a limit before anything parses it: the login
// form, which anyone may post, within maxBody; a session's form, whose
// CSRF token is read from the body before the handler sets its own limit,
// within maxRequest. Over it, 413 too_large, with the form never handled
// (a form parsed in full would have its valid token and reach the
// handler). Served in-process, so the client's unsent rest cannot race the
// answer.
func TestFormBodiesBounded(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.RigOptions{NoWorker: true})
	b := h.browser()
	csrf := h.login(b, oscar)
	base, err := url.Parse(h.url)
	if err != nil {
		t.Fatal(err)
	}

	login := oversizedForm(t, "/login", csrf, maxBody)
	rec := newRecorder()
	h.srv.ServeHTTP(rec, login)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized login form: HTTP %d, want 413", rec.Code)
	}

	retry := oversizedForm(t, "/cycles/"+testenv.DemoScope+"/2026-11-01/retry", csrf, maxRequest)
	for _, c := range b.Jar.Cookies(base) {
		retry.AddCookie(c)
	}
	rec = newRecorder()
	h.srv.ServeHTTP(rec, retry)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "over") {
		t.Errorf("oversized session form: HTTP %d, want 413: %.300s", rec.Code, rec.Body)
	}
}

// oversizedForm is a multipart POST to path whose CSRF field comes first
// and whose file part takes the body past limit; the filler is generated
// as it is read.
func oversizedForm(t *testing.T, path, csrf string, limit int64) *http.Request {
	t.Helper()
	head := "--b\r\nContent-Disposition: form-data; name=\"" + csrfField + "\"\r\n\r\n" + csrf +
		"\r\n--b\r\nContent-Disposition: form-data; name=\"reason\"\r\n\r\nbecause" +
		"\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"breaks.csv\"\r\nContent-Type: text/csv\r\n\r\n"
	body := io.MultiReader(strings.NewReader(head), io.LimitReader(filler{}, limit+1<<20), strings.NewReader("\r\n--b--\r\n"))
	req := httptest.NewRequest(http.MethodPost, path, body)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	return req
}

// filler reads as an endless run of commas.
type filler struct{}

func (filler) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ','
	}
	return len(p), nil
}

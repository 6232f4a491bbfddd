package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/testenv"
)

var devServer *testenv.Temporal

func TestMain(m *testing.M) { testenv.Main(m, &devServer) }

// The identities every harness has a token for, by role.
const (
	vera  = "vera"  // viewer
	oscar = "oscar" // operator
	alice = "alice" // approver
	bob   = "bob"   // approver
	ada   = "ada"   // admin
)

// harness is one test's server over its own rig (namespace, database,
// feed and worker), with a token per identity.
type harness struct {
	t      *testing.T
	rig    *testenv.Rig
	srv    *Server
	url    string
	tokens map[string]string // name → secret
	broken *atomic.Bool      // while set, the feed refuses the token
}

func newHarness(t *testing.T, o testenv.RigOptions) *harness {
	t.Helper()
	h := &harness{t: t, tokens: map[string]string{}, broken: &atomic.Bool{}}
	o.Feed = func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// A refused token fails the pull at once, where an outage
			// would first be retried for many seconds.
			if h.broken.Load() {
				http.Error(w, `{"error":"token revoked"}`, http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	h.rig = devServer.NewRig(t, o)
	srv, err := New(Options{Store: h.rig.Store, Temporal: h.rig.Client, Catalog: h.rig.Catalog, Tuning: testenv.FastTuning,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = srv
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	h.url = ts.URL
	for name, role := range map[string]string{vera: "viewer", oscar: "operator", alice: "approver", bob: "approver", ada: "admin"} {
		h.tokens[name] = h.token(name, role)
	}
	return h
}

// token creates a token as the CLI does.
func (h *harness) token(name, role string) string {
	h.t.Helper()
	tok, err := platform.CreateToken(h.ctx(), h.rig.Store, name, role, "test")
	if err != nil {
		h.t.Fatal(err)
	}
	return tok.Secret
}

func (h *harness) ctx() context.Context { return testenv.Context(h.t, time.Minute) }

// answer is an API response, its body read.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a map.
func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("answer %d is not JSON: %v\n%s", a.status, err, a.body)
	}
	return m
}

// errCode is the error answer's code.
func (a answer) errCode(t *testing.T) string {
	t.Helper()
	e, _ := a.json(t)["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

// call makes a request as the named identity ("" for none) with a JSON
// body (nil for none).
func (h *harness) call(as, method, path string, body any) answer {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = strings.NewReader(string(data))
	}
	req, err := http.NewRequestWithContext(h.ctx(), method, h.url+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+h.tokens[as])
	}
	return h.do(noRedirects, req)
}

// noRedirects shows a redirect as the answer it is.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (h *harness) do(c *http.Client, req *http.Request) answer {
	h.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

// want fails the test unless the answer has status.
func (h *harness) want(a answer, status int, what string) answer {
	h.t.Helper()
	if a.status != status {
		h.t.Fatalf("%s: HTTP %d, want %d\n%s", what, a.status, status, a.body)
	}
	return a
}

// waitStatus polls the API until the cycle's workflow reports status (a
// status rebuilt from the event log, when the query is slow to answer,
// lacks what is only in the workflow, such as why it is blocked).
func (h *harness) waitStatus(path, status string) map[string]any {
	h.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	var last answer
	for time.Now().Before(deadline) {
		last = h.call(vera, http.MethodGet, path, nil)
		if last.status == http.StatusOK && last.json(h.t)["status"] == status && last.json(h.t)["source"] == "workflow" {
			return last.json(h.t)
		}
		time.Sleep(200 * time.Millisecond)
	}
	h.t.Fatalf("%s never became %s; last answer %d %s", path, status, last.status, last.body)
	return nil
}

// browser is a cookie-keeping client that does not follow redirects, as a
// console user's browser session.
func (h *harness) browser() *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login logs the browser in with the named identity's token and returns
// the session's CSRF token.
func (h *harness) login(c *http.Client, as string) string {
	h.t.Helper()
	page := h.do(c, h.get("/login"))
	csrf := hiddenValue(h.t, string(page.body), csrfField)
	a := h.do(c, h.form(http.MethodPost, "/login", url.Values{csrfField: {csrf}, "token": {h.tokens[as]}, "next": {"/cycles"}}))
	h.want(a, http.StatusSeeOther, "login as "+as)
	cycles := h.want(h.do(c, h.get("/cycles")), http.StatusOK, "cycles after login")
	return hiddenValue(h.t, string(cycles.body), csrfField)
}

func (h *harness) get(path string) *http.Request {
	req, err := http.NewRequestWithContext(h.ctx(), http.MethodGet, h.url+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return req
}

func (h *harness) form(method, path string, v url.Values) *http.Request {
	req, err := http.NewRequestWithContext(h.ctx(), method, h.url+path, strings.NewReader(v.Encode()))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// hiddenValue finds a hidden input's value in a page.
func hiddenValue(t *testing.T, page, name string) string {
	t.Helper()
	marker := `name="` + name + `" value="`
	i := strings.Index(page, marker)
	if i < 0 {
		t.Fatalf("page has no hidden %s field:\n%s", name, page)
	}
	rest := page[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func mustRequest(t *testing.T, method, path string) *http.Request {
	t.Helper()
	return httptest.NewRequest(method, path, nil)
}

package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/settleflow/settleflow/internal/access"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/testenv"
)

// concrete fills a route pattern's wildcards with plausible values.
func concrete(pattern string) string {
	return strings.NewReplacer("{scope}", testenv.DemoScope, "{period}", "2026-11-01",
		"{id}", "0b6f7a53-2d1e-4c1a-9b8e-8d5a4f0c9e11", "{$}", "").Replace(pattern)
}

// below is an identity whose role is one short of each role.
var below = map[access.Role]string{access.Operator: vera, access.Approver: oscar, access.Admin: alice}

// at is an identity with exactly each role.
var at = map[access.Role]string{access.Viewer: vera, access.Operator: oscar, access.Approver: alice, access.Admin: ada}

// Every route refuses a caller with no credentials, with a revoked token
// and with a role one short of what it needs, and lets one with exactly
// that role past the check; every refused mutating call is on record.
func TestEveryRouteChecksItsRole(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.RigOptions{NoWorker: true})
	h.tokens["rex"] = h.token("rex", "admin")
	if _, err := platform.RevokeTokens(h.ctx(), h.rig.Store, "rex", "test"); err != nil {
		t.Fatal(err)
	}
	refusedWrites := 0
	for _, rt := range h.srv.routes {
		path := concrete(rt.pattern)
		t.Run(rt.method+" "+rt.pattern, func(t *testing.T) {
			for _, as := range []string{"", "rex"} {
				a := h.call(as, rt.method, path, nil)
				wantUnauthenticated(t, rt, a, as)
			}
			if rt.role != access.Viewer {
				a := h.call(below[rt.role], rt.method, path, nil)
				if a.status != http.StatusForbidden {
					t.Errorf("as %s (%s): HTTP %d, want 403\n%s", below[rt.role], rt.role, a.status, a.body)
				}
				if !rt.page && a.errCode(t) != codeForbidden {
					t.Errorf("as %s: error code %q, want %q", below[rt.role], a.errCode(t), codeForbidden)
				}
				if !safeMethod(rt.method) {
					refusedWrites++
				}
			}
			a := h.call(at[rt.role], rt.method, path, nil)
			if a.status == http.StatusUnauthorized || a.status == http.StatusForbidden {
				t.Errorf("as %s (%s): HTTP %d, want past the role check\n%s", at[rt.role], rt.role, a.status, a.body)
			}
		})
	}
	var recorded int
	err := h.rig.Store.Pool.QueryRow(h.ctx(), `SELECT count(*) FROM api_calls WHERE status = 403`).Scan(&recorded)
	if err != nil {
		t.Fatal(err)
	}
	if recorded != refusedWrites {
		t.Errorf("api_calls holds %d refused calls, want %d", recorded, refusedWrites)
	}
}

// wantUnauthenticated checks the answer to a call without valid
// credentials: 401 with a JSON error from the API, a redirect to the login
// page from the console.
func wantUnauthenticated(t *testing.T, rt route, a answer, as string) {
	t.Helper()
	if rt.page {
		if a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/login?next=") {
			t.Errorf("as %q: HTTP %d to %q, want a redirect to /login", as, a.status, a.header.Get("Location"))
		}
		return
	}
	if a.status != http.StatusUnauthorized || a.errCode(t) != codeUnauthenticated {
		t.Errorf("as %q: HTTP %d, want 401 %s\n%s", as, a.status, codeUnauthenticated, a.body)
	}
}

// Only /healthz, /metrics, the login page and static files answer without
// credentials; /metrics serves the exporter it is given.
func TestUnauthenticatedRoutes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.RigOptions{NoWorker: true})
	h.want(h.call("", http.MethodGet, "/healthz", nil), http.StatusOK, "healthz")
	h.want(h.call("", http.MethodGet, "/metrics", nil), http.StatusNotFound, "metrics without an exporter")
	h.want(h.call("", http.MethodGet, "/login", nil), http.StatusOK, "login page")
	h.want(h.call("", http.MethodGet, "/static/console.js", nil), http.StatusOK, "script")
	h.want(h.call("", http.MethodGet, "/api/v1/nothing", nil), http.StatusNotFound, "unknown API path")

	srv, err := New(Options{Store: h.rig.Store, Temporal: h.rig.Client, Catalog: h.rig.Catalog,
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("settleflow_up 1\n")) })})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	srv.ServeHTTP(rec, mustRequest(t, http.MethodGet, "/metrics"))
	if rec.Code != http.StatusOK || rec.Body.String() != "settleflow_up 1\n" {
		t.Errorf("metrics: %d %q", rec.Code, rec.Body.String())
	}
}

// Every answer carries the security headers.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.RigOptions{NoWorker: true})
	for _, path := range []string{"/login", "/api/v1/cycles", "/healthz"} {
		a := h.call("", http.MethodGet, path, nil)
		csp := a.header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "style-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code: %q", path, csp)
		}
		for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
			"X-Frame-Options": "DENY", "Cache-Control": "no-store"} {
			if got := a.header.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", path, name, got, want)
			}
		}
	}
}

package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/workflows"
)

// pageRewrite changes the n-th page (1-based, in the order requested) the
// simulator answered with 200 before the client sees it; cursor is the
// cursor the request sent.
type pageRewrite func(n int, cursor string, body []byte) []byte

// rewriting wraps the simulator: a hostile partner is the simulator's
// pages with one detail changed.
func rewriting(fn pageRewrite) func(http.Handler) http.Handler {
	var mu sync.Mutex
	n := 0
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			if rec.Code == http.StatusOK {
				mu.Lock()
				n++
				k := n
				mu.Unlock()
				body = fn(k, r.URL.Query().Get("cursor"), body)
			}
			for key, v := range rec.Header() {
				w.Header()[key] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body)
		})
	}
}

// withNextCursor returns the page with its next_cursor replaced.
func withNextCursor(t *testing.T, body []byte, cursor string) []byte {
	t.Helper()
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		t.Errorf("simulator page: %v", err)
		return body
	}
	env["next_cursor"], _ = json.Marshal(cursor)
	out, err := json.Marshal(env)
	if err != nil {
		t.Error(err)
	}
	return out
}

// withRecords returns the page with raw elements added to its data,
// byte for byte as given.
func withRecords(t *testing.T, body []byte, raws ...[]byte) []byte {
	t.Helper()
	at := bytes.Index(body, []byte(`],"next_cursor"`))
	if at < 0 || !bytes.HasPrefix(body, []byte(`{"data":[{`)) {
		t.Errorf("simulator page of unexpected shape: %.80s", body)
		return body
	}
	out := append([]byte(nil), body[:at]...)
	for _, raw := range raws {
		out = append(append(out, ','), raw...)
	}
	return append(out, body[at:]...)
}

// waitBlocked waits until the cycle blocks, and returns its status.
func (e *env) waitBlocked(s platform.Started) workflows.CycleStatus {
	e.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		st, err := platform.QueryCycle(e.ctx, e.client, s.WorkflowID, s.RunID)
		if err == nil && st.Status == lifecycle.StatusBlocked && st.Blocked != nil {
			return st
		}
		if err == nil && st.Status != lifecycle.StatusRunning {
			e.t.Fatalf("cycle is %s, want blocked", st.Status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.t.Fatal("the cycle did not block within two minutes")
	return workflows.CycleStatus{}
}

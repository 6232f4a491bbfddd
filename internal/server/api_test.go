package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/testenv"
)

const cycleAPI = "/api/v1/cycles/" + testenv.DemoScope + "/2026-11-01"

// A cycle's whole life through the API: started by alice's token, blocked,
// refused to a viewer and without a reason, retried by oscar, refused to
// alice's approval (four eyes) and to an operator, approved by bob; the
// event log and api_calls hold the tokens' identities, and the statement
// verifies.
func TestCycleThroughTheAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.RigOptions{ScopeYAML: testenv.DemoScopeYAML(t, "required: false", "required: true"), Sim: smallFeed()})
	h.broken.Store(true)

	start := h.want(h.call(alice, http.MethodPost, "/api/v1/cycles",
		map[string]any{"scope": testenv.DemoScope, "period": "2026-11-01", "as": "mallory"}), http.StatusBadRequest, "start with --as")
	if field := start.json(t)["error"].(map[string]any)["field"]; field != "as" {
		t.Errorf("unknown field reported as %v", field)
	}
	start = h.want(h.call(alice, http.MethodPost, "/api/v1/cycles",
		map[string]any{"scope": testenv.DemoScope, "period": "2026-11-01"}), http.StatusCreated, "start")
	if by := start.json(t)["started_by"]; by != alice {
		t.Errorf("started by %v, want %s", by, alice)
	}
	blocked := h.waitStatus(cycleAPI, "blocked")
	if b := blocked["blocked"].(map[string]any); b["step"] != "pull" {
		t.Fatalf("blocked on %v", b["step"])
	}

	h.want(h.call(vera, http.MethodPost, cycleAPI+"/retry", map[string]string{"reason": "x"}), http.StatusForbidden, "viewer retries")
	noReason := h.want(h.call(oscar, http.MethodPost, cycleAPI+"/retry", map[string]string{"reason": "  "}), http.StatusBadRequest, "retry without reason")
	if noReason.json(t)["error"].(map[string]any)["field"] != "reason" {
		t.Errorf("missing reason answered %s", noReason.body)
	}
	h.broken.Store(false)
	retried := h.want(h.call(oscar, http.MethodPost, cycleAPI+"/retry", map[string]string{"reason": "provider is back"}), http.StatusOK, "retry")
	if retried.json(t)["actor"] != oscar {
		t.Errorf("retry recorded as %v", retried.json(t)["actor"])
	}

	h.waitStatus(cycleAPI, "awaiting_approval")
	h.want(h.call(oscar, http.MethodPost, cycleAPI+"/approve", map[string]string{"reason": "ok"}), http.StatusForbidden, "operator approves")
	own := h.want(h.call(alice, http.MethodPost, cycleAPI+"/approve", map[string]string{"reason": "mine"}), http.StatusConflict, "starter approves")
	if own.errCode(t) != codeRefused || !strings.Contains(string(own.body), "four eyes") {
		t.Errorf("own approval answered %s", own.body)
	}
	h.want(h.call(bob, http.MethodPost, cycleAPI+"/approve", map[string]string{"reason": "totals match"}), http.StatusOK, "bob approves")
	done := h.waitStatus(cycleAPI, "completed")

	assertActors(t, done, map[string]string{"retry": oscar, "approve": bob})
	assertEventLog(t, h)
	assertCalls(t, h, []string{"alice POST /api/v1/cycles 400", "alice POST /api/v1/cycles 201", "vera POST " + cycleAPI + "/retry 403",
		"oscar POST " + cycleAPI + "/retry 400", "oscar POST " + cycleAPI + "/retry 200", "oscar POST " + cycleAPI + "/approve 403",
		"alice POST " + cycleAPI + "/approve 409", "bob POST " + cycleAPI + "/approve 200"})
	assertStatementVerifies(t, h)
	assertFigures(t, h)
	assertQuarantine(t, h, done["cycle_id"].(string))
	assertPagesRender(t, h)
}

// smallFeed is a small simulated day with a few invalid records.
func smallFeed() sim.ProviderConfig {
	cfg := sim.DefaultProviderConfig()
	cfg.RoundsPerDay, cfg.Players = 300, 50
	cfg.Faults.InvalidEvery = 100
	return cfg
}

func assertQuarantine(t *testing.T, h *harness, cycleID string) {
	t.Helper()
	list := h.want(h.call(vera, http.MethodGet, "/api/v1/quarantine?cycle_id="+cycleID, nil), http.StatusOK, "quarantine").json(t)
	records, reasons := list["records"].([]any), list["reasons"].([]any)
	if len(records) == 0 || len(reasons) == 0 {
		t.Fatalf("nothing quarantined: %v", list)
	}
	first := records[0].(map[string]any)
	rec := h.want(h.call(vera, http.MethodGet, first["href"].(string), nil), http.StatusOK, "quarantined record").json(t)
	if rec["raw_base64"] == "" || rec["reason"] != first["reason"] {
		t.Errorf("record %v", rec)
	}
	csv := h.want(h.call(vera, http.MethodGet, "/api/v1/quarantine.csv?cycle_id="+cycleID, nil), http.StatusOK, "quarantine CSV")
	if lines := strings.Count(string(csv.body), "\n"); lines != len(records)+1 {
		t.Errorf("CSV has %d lines for %d records", lines, len(records))
	}
	h.want(h.call(vera, http.MethodGet, "/api/v1/quarantine?cycle_id=nope", nil), http.StatusBadRequest, "bad cycle_id")
}

// assertPagesRender opens every console page of the settled cycle.
func assertPagesRender(t *testing.T, h *harness) {
	t.Helper()
	statements := h.call(vera, http.MethodGet, "/api/v1/statements", nil).json(t)["statements"].([]any)
	records := h.call(vera, http.MethodGet, "/api/v1/quarantine", nil).json(t)["records"].([]any)
	record := strings.TrimPrefix(records[0].(map[string]any)["href"].(string), "/api")
	record = strings.Replace(record, "/v1", "", 1)
	for _, path := range []string{"/cycles", "/cycles?status=completed", "/cycles/" + testenv.DemoScope + "/2026-11-01",
		"/quarantine", record, "/statements", "/statements/" + statements[0].(map[string]any)["id"].(string),
		"/charts", "/schedules"} {
		a := h.want(h.call(vera, http.MethodGet, path, nil), http.StatusOK, path)
		if !strings.Contains(string(a.body), "</html>") {
			t.Errorf("%s: page incomplete", path)
		}
	}
}

func assertActors(t *testing.T, cycle map[string]any, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, a := range cycle["actions"].([]any) {
		a := a.(map[string]any)
		got[a["action"].(string)] = a["actor"].(string)
	}
	for action, actor := range want {
		if got[action] != actor {
			t.Errorf("%s by %q, want %q (actions %v)", action, got[action], actor, got)
		}
	}
}

func assertEventLog(t *testing.T, h *harness) {
	t.Helper()
	log := h.want(h.call(vera, http.MethodGet, cycleAPI+"/events", nil), http.StatusOK, "events").json(t)
	if log["chain_verified"] != true {
		t.Errorf("event chain does not verify: %v", log["chain_error"])
	}
	var kinds []string
	for _, e := range log["events"].([]any) {
		e := e.(map[string]any)
		if actor, _ := e["actor"].(string); actor != "" {
			kinds = append(kinds, fmt.Sprintf("%s:%s", e["kind"], actor))
		}
	}
	want := "action.retry:oscar action.approve:bob approval.granted:bob"
	if strings.Join(kinds, " ") != want {
		t.Errorf("actors in the event log: %v, want %s", kinds, want)
	}
}

// assertCalls compares the mutating calls on record, oldest first.
func assertCalls(t *testing.T, h *harness, want []string) {
	t.Helper()
	calls, err := h.rig.Store.APICalls(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(calls) - 1; i >= 0; i-- {
		c := calls[i]
		got = append(got, fmt.Sprintf("%s %s %s %d", c.Actor, c.Method, c.Path, c.Status))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("api_calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func assertStatementVerifies(t *testing.T, h *harness) {
	t.Helper()
	list := h.want(h.call(vera, http.MethodGet, "/api/v1/statements", nil), http.StatusOK, "statements").json(t)
	statements := list["statements"].([]any)
	if len(statements) != 1 {
		t.Fatalf("%d statements, want 1", len(statements))
	}
	s := statements[0].(map[string]any)
	base := "/api/v1/statements/" + s["id"].(string)
	check := h.want(h.call(vera, http.MethodGet, base+"/verify", nil), http.StatusOK, "verify").json(t)
	if check["intact"] != true || check["recomputed_sha256"] != s["sha256"] {
		t.Errorf("stored statement does not verify: %v", check)
	}
	js := h.want(h.call(vera, http.MethodGet, base+"/json", nil), http.StatusOK, "download json")
	csv := h.want(h.call(vera, http.MethodGet, base+"/csv", nil), http.StatusOK, "download csv")
	if !strings.HasPrefix(js.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download is not an attachment: %q", js.header.Get("Content-Disposition"))
	}
	if got := h.upload(vera, base+"/verify", js.body, csv.body).json(t); got["intact"] != true {
		t.Errorf("downloaded files do not verify: %v", got)
	}
	tampered := bytes.Replace(csv.body, []byte("acme-games"), []byte("acme-gamez"), 1)
	if got := h.upload(vera, base+"/verify", js.body, tampered).json(t); got["intact"] != false {
		t.Errorf("tampered CSV verifies: %v", got)
	}
}

// upload posts a statement's JSON and CSV for verification.
func (h *harness) upload(as, path string, js, csv []byte) answer {
	h.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for field, data := range map[string][]byte{"json": js, "csv": csv} {
		fw, err := mw.CreateFormFile(field, "statement."+field)
		if err != nil {
			h.t.Fatal(err)
		}
		if _, err := io.Copy(fw, bytes.NewReader(data)); err != nil {
			h.t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		h.t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(h.ctx(), http.MethodPost, h.url+path, &body)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+h.tokens[as])
	return h.want(h.do(noRedirects, req), http.StatusOK, "upload to "+path)
}

func assertFigures(t *testing.T, h *harness) {
	t.Helper()
	var f struct {
		Cycles []struct {
			RecordsPerSecond map[string]float64 `json:"records_per_second"`
			RejectRate       *float64           `json:"reject_rate"`
		} `json:"cycles"`
		Steps []struct {
			Step    string `json:"step"`
			Samples int    `json:"samples"`
		} `json:"steps"`
		GGR []struct {
			Currency string   `json:"currency"`
			Days     []string `json:"days"`
		} `json:"ggr"`
	}
	a := h.want(h.call(vera, http.MethodGet, "/api/v1/figures", nil), http.StatusOK, "figures")
	if err := json.Unmarshal(a.body, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cycles) != 1 || f.Cycles[0].RecordsPerSecond["aggregator"] <= 0 || f.Cycles[0].RejectRate == nil {
		t.Errorf("cycle figures: %s", a.body)
	}
	if len(f.Steps) == 0 || f.Steps[0].Step != "pull" || len(f.GGR) == 0 || f.GGR[0].Days[0] != "2026-11-01" {
		t.Errorf("step or GGR figures: %s", a.body)
	}
}

// A cycle's live stream sends its progress and ends as soon as the token
// it was opened with is revoked.
func TestLiveStreamEndsWithItsToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.RigOptions{ScopeYAML: testenv.DemoScopeYAML(t, "required: false", "required: true")})
	h.want(h.call(alice, http.MethodPost, "/api/v1/cycles", map[string]any{"scope": testenv.DemoScope, "period": "2026-11-01"}),
		http.StatusCreated, "start")
	h.waitStatus(cycleAPI, "awaiting_approval")

	req, err := http.NewRequestWithContext(h.ctx(), http.MethodGet, h.url+cycleAPI+"/live", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.tokens[vera])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || ct != "text/event-stream" {
		t.Fatalf("live: HTTP %d %s", resp.StatusCode, ct)
	}
	first := make([]byte, 512)
	n, err := resp.Body.Read(first)
	if err != nil || !strings.Contains(string(first[:n]), `"status":"awaiting_approval"`) {
		t.Fatalf("first event %q, %v", first[:n], err)
	}
	if _, err := platform.RevokeTokens(h.ctx(), h.rig.Store, vera, "test"); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, resp.Body)
		ended <- err
	}()
	select {
	case err := <-ended:
		if err != nil {
			t.Errorf("stream ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("the stream goes on after its token was revoked")
	}
}

package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// breaksRig is a harness with testenv's reconciled cycle: ten open breaks
// of 1000 KRW bets, four amount mismatches, three currency mismatches and
// three missing on the wallet's side. No worker: breaks are resolved in
// Postgres, not by the workflow.
func breaksRig(t *testing.T) (*harness, store.Cycle, string) {
	t.Helper()
	h := newHarness(t, testenv.RigOptions{NoWorker: true})
	c := testenv.ReconciledCycle(t, h.ctx(), h.rig.Store)
	return h, c, "/api/v1/cycles/" + c.Scope + "/" + c.PeriodKey + "/discrepancies"
}

// listed is the list answer.
type listed struct {
	CycleID       string              `json:"cycle_id"`
	Reporting     string              `json:"reporting_currency"`
	Open          openJSON            `json:"open"`
	Counts        []reconCountJSON    `json:"counts"`
	Discrepancies []store.Discrepancy `json:"discrepancies"`
}

func (h *harness) breaks(as, path string) listed {
	h.t.Helper()
	var l listed
	a := h.want(h.call(as, http.MethodGet, path, nil), http.StatusOK, "list "+path)
	if err := json.Unmarshal(a.body, &l); err != nil {
		h.t.Fatal(err)
	}
	return l
}

// firstOf is the first listed break of a kind.
func firstOf(t *testing.T, l listed, kind string) store.Discrepancy {
	t.Helper()
	for _, d := range l.Discrepancies {
		if d.Kind == kind && d.Status == recon.StatusOpen {
			return d
		}
	}
	t.Fatalf("no open %s in %d breaks", kind, len(l.Discrepancies))
	return store.Discrepancy{}
}

// The list takes the CLI's filters, pages, and names a wrong filter; one
// break reads by its ID; a viewer may read all of it.
func TestDiscrepancyListThroughTheAPI(t *testing.T) {
	t.Parallel()
	h, c, list := breaksRig(t)
	all := h.breaks(vera, list)
	if all.CycleID != c.ID.String() || len(all.Discrepancies) != 10 || all.Open.Count != 10 || all.Reporting != "KRW" {
		t.Fatalf("list: cycle %s, %d breaks, open %+v, reporting %q", all.CycleID, len(all.Discrepancies), all.Open, all.Reporting)
	}
	if len(all.Counts) != 1 || all.Counts[0].Pair != "games" || all.Counts[0].Open != 10 {
		t.Errorf("counts %+v", all.Counts)
	}
	for query, want := range map[string]int{"?type=" + recon.MissingRight: 3, "?type=bet": 10, "?min_amount=901": 6,
		"?status=open": 10, "?status=accepted": 0, "?limit=4": 4, "?limit=4&offset=8": 2} {
		if got := len(h.breaks(vera, list+query).Discrepancies); got != want {
			t.Errorf("%s: %d breaks, want %d", query, got, want)
		}
	}
	for query, field := range map[string]string{"?status=closed": "status", "?min_amount=1.5": "min_amount", "?limit=0": "limit"} {
		a := h.want(h.call(vera, http.MethodGet, list+query, nil), http.StatusBadRequest, query)
		if got := a.json(t)["error"].(map[string]any)["field"]; got != field {
			t.Errorf("%s: field %v, want %s", query, got, field)
		}
	}
	h.want(h.call(vera, http.MethodGet, "/api/v1/cycles/nope/2026-11-01/discrepancies", nil), http.StatusNotFound, "unknown cycle")

	one := h.want(h.call(vera, http.MethodGet, "/api/v1/discrepancies/"+all.Discrepancies[0].ID.String(), nil), http.StatusOK, "one")
	if got := one.json(t); got["id"] != all.Discrepancies[0].ID.String() || got["kind"] != all.Discrepancies[0].Kind {
		t.Errorf("one break: %s", one.body)
	}
	h.want(h.call(vera, http.MethodGet, "/api/v1/discrepancies/"+uuid.NewString(), nil), http.StatusNotFound, "unknown break")
	h.want(h.call(vera, http.MethodGet, "/api/v1/discrepancies/nope", nil), http.StatusBadRequest, "malformed ID")

	export := h.want(h.call(vera, http.MethodGet, strings.Replace(list, "discrepancies", "discrepancies.csv", 1)+"?type="+recon.MissingRight, nil),
		http.StatusOK, "CSV")
	rows, err := csv.NewReader(bytes.NewReader(export.body)).ReadAll()
	if err != nil || len(rows) != 4 || rows[0][0] != "id" || !strings.HasPrefix(export.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("CSV: %v, %d rows, %q", err, len(rows), export.header.Get("Content-Disposition"))
	}
}

// Resolving one break: a viewer and a revoked token are refused, a missing
// reason or an action the break does not allow names the field, an
// operator's adjustment posts its entry once however often it is sent,
// and a break resolved already, or of a cycle undone, refuses another
// resolution. The actor is always the token's name.
func TestResolveThroughTheAPI(t *testing.T) {
	t.Parallel()
	h, c, list := breaksRig(t)
	all := h.breaks(vera, list)
	amount, currency := firstOf(t, all, recon.AmountMismatch), firstOf(t, all, recon.CurrencyMismatch)
	resolve := "/api/v1/discrepancies/" + amount.ID.String() + "/resolve"
	adjust := map[string]string{"action": recon.ActionAdjust, "reason": "wallet under-debited; provider is right"}

	h.want(h.call(vera, http.MethodPost, resolve, adjust), http.StatusForbidden, "viewer resolves")
	h.tokens["rex"] = h.token("rex", "operator")
	if _, err := platform.RevokeTokens(h.ctx(), h.rig.Store, "rex", "test"); err != nil {
		t.Fatal(err)
	}
	h.want(h.call("rex", http.MethodPost, resolve, adjust), http.StatusUnauthorized, "revoked token resolves")
	for name, body := range map[string]map[string]string{
		"reason":  {"action": recon.ActionAdjust, "reason": " "},
		"action":  {"action": "ignore", "reason": "why not"},
		"as":      {"action": recon.ActionAccept, "reason": "r", "as": "mallory"},
		"adjusts": {"action": recon.ActionAdjust, "reason": "book it"},
	} {
		path, want := resolve, name
		if name == "adjusts" { // a currency mismatch has no difference to book
			path, want = "/api/v1/discrepancies/"+currency.ID.String()+"/resolve", "action"
		}
		a := h.want(h.call(oscar, http.MethodPost, path, body), http.StatusBadRequest, name)
		if got := a.json(t)["error"].(map[string]any)["field"]; got != want {
			t.Errorf("%s: field %v, want %s\n%s", name, got, want, a.body)
		}
	}

	for range 2 {
		a := h.want(h.call(oscar, http.MethodPost, resolve, adjust), http.StatusOK, "operator adjusts")
		var d store.Discrepancy
		if err := json.Unmarshal(a.body, &d); err != nil || d.Status != recon.StatusAdjusted || d.ResolvedBy != oscar || d.JournalEntry == nil {
			t.Fatalf("adjusted: %v %s", err, a.body)
		}
	}
	testenv.RequireBalanced(t, h.ctx(), h.rig.Store, c.ID, 1)
	again := h.want(h.call(alice, http.MethodPost, resolve, map[string]string{"action": recon.ActionAccept, "reason": "mine"}),
		http.StatusConflict, "resolving a resolved break")
	if again.errCode(t) != codeRefused {
		t.Errorf("second resolution: %s", again.body)
	}
	requireResolvedEvents(t, h, c, map[string]int{oscar: 1})
	if open := h.breaks(vera, list+"?status=open"); len(open.Discrepancies) != 9 || open.Open.Count != 9 {
		t.Errorf("%d open after one resolution", len(open.Discrepancies))
	}

	undone := testenv.ReconciledCycle(t, h.ctx(), h.rig.Store)
	if _, err := h.rig.Store.Pool.Exec(h.ctx(), `UPDATE cycles SET status = 'compensated' WHERE id = $1`, undone.ID); err != nil {
		t.Fatal(err)
	}
	gone := firstOf(t, h.breaks(vera, strings.Replace(list, c.Scope, undone.Scope, 1)), recon.MissingRight)
	refused := h.want(h.call(oscar, http.MethodPost, "/api/v1/discrepancies/"+gone.ID.String()+"/resolve",
		map[string]string{"action": recon.ActionCarry, "reason": "tomorrow"}), http.StatusConflict, "resolving a break of an undone cycle")
	if refused.errCode(t) != codeRefused || !strings.Contains(string(refused.body), "undone") {
		t.Errorf("a break of an undone cycle: %s", refused.body)
	}
}

// requireResolvedEvents checks the cycle's event log holds that many
// resolutions per actor, and still verifies.
func requireResolvedEvents(t *testing.T, h *harness, c store.Cycle, want map[string]int) {
	t.Helper()
	events, err := h.rig.Store.Events(h.ctx(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range events {
		if e.Kind == "discrepancy.resolved" {
			got[e.Actor]++
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || h.rig.Store.VerifyEvents(h.ctx(), c.ID) != nil {
		t.Errorf("resolutions in the event log by actor: %v, want %v", got, want)
	}
}

// An import is all or nothing: a file with a bad row applies nothing and
// the answer names every row and field at fault; a viewer may not import;
// the corrected file is applied as the token's identity.
func TestImportThroughTheAPI(t *testing.T) {
	t.Parallel()
	h, c, list := breaksRig(t)
	export := h.want(h.call(vera, http.MethodGet, strings.Replace(list, "discrepancies", "discrepancies.csv", 1), nil), http.StatusOK, "export")
	rows, err := csv.NewReader(bytes.NewReader(export.body)).ReadAll()
	if err != nil || len(rows) != 11 {
		t.Fatalf("export: %v, %d rows", err, len(rows))
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	for _, row := range rows[1:] {
		row[col("action")], row[col("reason")] = recon.ActionAccept, "checked against the PSP report"
	}
	good := encodeCSV(t, rows)
	rows[3][col("reason")] = ""
	rows[5][col("left_amount")] = "1"
	bad := encodeCSV(t, rows)

	refused := h.want(h.importCSV(oscar, "text/csv", bad), http.StatusBadRequest, "import with bad rows")
	var answer struct{ Error apiError }
	if err := json.Unmarshal(refused.body, &answer); err != nil {
		t.Fatal(err)
	}
	wantRows := []rowErrorJSON{{Row: 4, Field: "reason"}, {Row: 6, Field: "left_amount"}}
	if len(answer.Error.Rows) != len(wantRows) || answer.Error.Field != "file" || !strings.Contains(answer.Error.Message, "row 4, field reason") {
		t.Fatalf("refusal: %s", refused.body)
	}
	for i, w := range wantRows {
		if got := answer.Error.Rows[i]; got.Row != w.Row || got.Field != w.Field || got.Message == "" {
			t.Errorf("row error %d: %+v, want row %d field %s", i, got, w.Row, w.Field)
		}
	}
	if n := len(h.breaks(vera, list+"?status=open").Discrepancies); n != 10 {
		t.Fatalf("%d open after a refused import, want all 10", n)
	}
	h.want(h.importCSV(vera, "text/csv", good), http.StatusForbidden, "viewer imports")
	h.want(h.importCSV(oscar, "application/json", good), http.StatusBadRequest, "import as JSON")

	done := h.want(h.importCSV(oscar, "text/csv", good), http.StatusOK, "import").json(t)
	if done["actor"] != oscar || done["resolved"] != 10.0 || done["rows"] != 10.0 {
		t.Errorf("import answered %v", done)
	}
	again := h.want(h.importCSV(oscar, "text/csv", good), http.StatusOK, "import again").json(t)
	if again["resolved"] != 0.0 || again["already"] != 10.0 {
		t.Errorf("importing again answered %v", again)
	}
	requireResolvedEvents(t, h, c, map[string]int{oscar: 10})
}

func encodeCSV(t *testing.T, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := csv.NewWriter(&buf).WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// importCSV posts a CSV to the import route as the named identity.
func (h *harness) importCSV(as, contentType string, body []byte) answer {
	h.t.Helper()
	req, err := http.NewRequestWithContext(h.ctx(), http.MethodPost, h.url+"/api/v1/discrepancies/import", bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+h.tokens[as])
	return h.do(noRedirects, req)
}

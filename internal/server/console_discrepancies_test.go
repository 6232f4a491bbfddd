package server

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/testenv"
)

// The cycle page shows the reconciliation and the most urgent open breaks,
// each with a resolve form offering only what the break allows, to an
// operator and not to a viewer. A form without its CSRF token or without
// a reason is refused; with both, the break is resolved as the session's
// identity and the list page says so. A break of another cycle cannot be
// resolved from this one's page.
func TestResolveABreakInTheConsole(t *testing.T) {
	t.Parallel()
	h, c, list := breaksRig(t)
	other := testenv.ReconciledCycle(t, h.ctx(), h.rig.Store)
	all := h.breaks(vera, list)
	amount, currency := firstOf(t, all, recon.AmountMismatch), firstOf(t, all, recon.CurrencyMismatch)
	page := "/cycles/" + c.Scope + "/" + c.PeriodKey

	v := h.browser()
	h.login(v, vera)
	seen := string(h.want(h.do(v, h.get(page)), http.StatusOK, "cycle page as viewer").body)
	if !strings.Contains(seen, `id="recon-counts"`) || strings.Count(seen, `id="break-`) != topBreaks || strings.Contains(seen, `class="resolve"`) ||
		!strings.Contains(seen, "needs role operator") {
		t.Errorf("the viewer's cycle page: counts, %d breaks, forms %v", strings.Count(seen, `id="break-`), strings.Contains(seen, `class="resolve"`))
	}

	b := h.browser()
	csrf := h.login(b, oscar)
	mine := string(h.want(h.do(b, h.get(page)), http.StatusOK, "cycle page as operator").body)
	if n := strings.Count(mine, `class="resolve"`); n != topBreaks {
		t.Errorf("%d resolve forms, want %d", n, topBreaks)
	}
	if f := formOf(t, mine, currency.ID.String()); strings.Contains(f, "adjust") || !strings.Contains(f, "accept") {
		t.Errorf("a currency mismatch's form offers adjust:\n%s", f)
	}
	if f := formOf(t, mine, amount.ID.String()); !strings.Contains(f, "<option>adjust</option>") {
		t.Errorf("an amount mismatch's form does not offer adjust:\n%s", f)
	}

	resolve := page + "/discrepancies/" + amount.ID.String() + "/resolve"
	next := page + "/discrepancies?status=open"
	form := url.Values{"action": {recon.ActionAdjust}, "reason": {"wallet under-debited"}, "next": {next}}
	h.want(h.do(b, h.form(http.MethodPost, resolve, form)), http.StatusForbidden, "form without its CSRF token")
	form.Set(csrfField, csrf)
	form.Set("reason", " ")
	noReason := h.want(h.do(b, h.form(http.MethodPost, resolve, form)), http.StatusBadRequest, "form without a reason")
	if body := string(noReason.body); !strings.Contains(body, "reason: required") || !strings.Contains(body, `id="break-`+amount.ID.String()) {
		t.Errorf("the refusal does not show the reason with the break")
	}
	form.Set("reason", "wallet under-debited")
	misplaced := page + "/discrepancies/" + firstOf(t, h.breaks(vera, strings.Replace(list, c.Scope, other.Scope, 1)), recon.AmountMismatch).ID.String() + "/resolve"
	h.want(h.do(b, h.form(http.MethodPost, misplaced, form)), http.StatusNotFound, "another cycle's break")

	done := h.want(h.do(b, h.form(http.MethodPost, resolve, form)), http.StatusSeeOther, "resolve")
	to := done.header.Get("Location")
	if !strings.HasPrefix(to, page+"/discrepancies?") || !strings.Contains(to, "status=open") {
		t.Fatalf("resolved, then sent to %q", to)
	}
	after := string(h.want(h.do(b, h.get(to)), http.StatusOK, "list after resolving").body)
	if !strings.Contains(after, "adjusted by oscar") || strings.Contains(after, `id="break-`+amount.ID.String()) {
		t.Errorf("the open list after resolving: flash or break wrong")
	}
	requireResolvedEvents(t, h, c, map[string]int{oscar: 1})

	vcsrf := h.login(v, vera)
	form.Set(csrfField, vcsrf)
	h.want(h.do(v, h.form(http.MethodPost, page+"/discrepancies/"+currency.ID.String()+"/resolve", form)), http.StatusForbidden, "viewer's form")
	missing := string(h.want(h.do(v, h.get(page+"/discrepancies?type="+recon.MissingRight)), http.StatusOK, "filtered list").body)
	if n := strings.Count(missing, `id="break-`); n != 3 {
		t.Errorf("%d missing breaks listed, want 3", n)
	}
}

// formOf is the resolve form of one break in a page.
func formOf(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `id="resolve-`+id+`"`)
	if i < 0 {
		t.Fatalf("no resolve form for %s", id)
	}
	return page[i : i+strings.Index(page[i:], "</form>")]
}

// The list page imports an edited export as the session's identity; a
// file the import refuses shows every row and field at fault; a file of
// another cycle's breaks is refused on this cycle's page, nothing applied.
func TestImportInTheConsole(t *testing.T) {
	t.Parallel()
	h, c, _ := breaksRig(t)
	other := testenv.ReconciledCycle(t, h.ctx(), h.rig.Store)
	page := "/cycles/" + c.Scope + "/" + c.PeriodKey + "/discrepancies"
	b := h.browser()
	csrf := h.login(b, oscar)
	h.want(h.do(b, h.get(page)), http.StatusOK, "list page")

	refused := h.want(h.do(b, h.uploadForm(page+"/import", csrf, []byte("id,status\n"))), http.StatusBadRequest, "import a wrong file")
	if !strings.Contains(string(refused.body), "row 1, field header") {
		t.Errorf("the refusal does not name the row and field")
	}
	carryAll := func(rows [][]string) [][]string {
		for _, row := range rows[1:] {
			row[len(row)-2], row[len(row)-1] = recon.ActionCarry, "the wallet's evening export arrives tomorrow"
		}
		return rows
	}
	elsewhere := carryAll(testenv.ExportRows(t, h.ctx(), h.rig.Store, other.WorkflowID))
	refused = h.want(h.do(b, h.uploadForm(page+"/import", csrf, encodeCSV(t, elsewhere))), http.StatusBadRequest, "import another cycle's file")
	if !strings.Contains(string(refused.body), "row 2, field cycle_id") || !strings.Contains(string(refused.body), "its own cycle") {
		t.Errorf("another cycle's file: the refusal does not name the row and the cycle:\n%.2000s", refused.body)
	}
	if open := testenv.ExportRows(t, h.ctx(), h.rig.Store, other.WorkflowID); len(open) != len(elsewhere) || open[1][3] != recon.StatusOpen {
		t.Errorf("the refused import changed the other cycle's breaks: %v", open[1])
	}
	rows := carryAll(testenv.ExportRows(t, h.ctx(), h.rig.Store, c.WorkflowID))
	done := h.want(h.do(b, h.uploadForm(page+"/import", csrf, encodeCSV(t, rows))), http.StatusSeeOther, "import")
	after := string(h.want(h.do(b, h.get(done.header.Get("Location"))), http.StatusOK, "after import").body)
	if !strings.Contains(after, "10 rows: 10 resolved by oscar") {
		t.Errorf("the page after importing does not say what was done")
	}
	requireResolvedEvents(t, h, c, map[string]int{oscar: 10})
}

// uploadForm posts a console multipart form with the session's CSRF token and
// one file.
func (h *harness) uploadForm(path, csrf string, file []byte) *http.Request {
	h.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField(csrfField, csrf); err != nil {
		h.t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("file", "breaks.csv")
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := fw.Write(file); err != nil {
		h.t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		h.t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(h.ctx(), http.MethodPost, h.url+path, &body)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

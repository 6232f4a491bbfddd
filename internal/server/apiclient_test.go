package server

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/apiclient"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/testenv"
)

// The CLI's API client acts as its token: a cycle it starts is alice's,
// so her approval is refused and bob's is accepted and recorded as his.
func TestAPIClientActsAsItsToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.RigOptions{ScopeYAML: testenv.DemoScopeYAML(t, "required: false", "required: true")})
	as := func(name string) *apiclient.Client { return &apiclient.Client{BaseURL: h.url, Token: h.tokens[name]} }
	ctx := h.ctx()

	started, err := as(alice).Start(ctx, apiclient.StartRequest{Scope: testenv.DemoScope, Period: "2026-11-01"})
	if err != nil || started.StartedBy != alice || started.WorkflowID != "settle/demo-casino/2026-11-01" {
		t.Fatalf("start: %+v, %v", started, err)
	}
	h.waitStatus(cycleAPI, "awaiting_approval")

	_, err = as(alice).Act(ctx, started.WorkflowID, "approve", "mine")
	var apiErr *apiclient.Error
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusConflict || !strings.Contains(apiErr.Message, "four eyes") {
		t.Fatalf("alice approving her own cycle: %v", err)
	}
	if _, err := as(vera).Act(ctx, started.WorkflowID, "approve", "why not"); !errors.As(err, &apiErr) || apiErr.Code != codeForbidden {
		t.Fatalf("a viewer approving: %v", err)
	}
	res, err := as(bob).Act(ctx, started.WorkflowID, "approve", "totals match")
	if err != nil || res.Actor != bob {
		t.Fatalf("bob approving: %+v, %v", res, err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		c, err := as(vera).Cycle(ctx, started.WorkflowID)
		if err == nil && c.Status == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cycle never completed: %+v, %v", c, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, err := as(bob).Act(ctx, "not-a-cycle", "retry", "x"); err == nil || !strings.Contains(err.Error(), "settle/<scope>/<period>") {
		t.Errorf("malformed workflow ID: %v", err)
	}
}

// The API client resolves and imports as its token, and a refused import
// comes back with each row and field at fault.
func TestAPIClientResolvesAsItsToken(t *testing.T) {
	t.Parallel()
	h, c, list := breaksRig(t)
	as := func(name string) *apiclient.Client { return &apiclient.Client{BaseURL: h.url, Token: h.tokens[name]} }
	ctx := h.ctx()
	id := firstOf(t, h.breaks(vera, list), recon.AmountMismatch).ID.String()

	var apiErr *apiclient.Error
	if _, err := as(vera).Resolve(ctx, id, recon.ActionAccept, "fine"); !errors.As(err, &apiErr) || apiErr.Code != codeForbidden {
		t.Fatalf("a viewer resolving: %v", err)
	}
	d, err := as(oscar).Resolve(ctx, id, recon.ActionAdjust, "wallet under-debited")
	if err != nil || d.ResolvedBy != oscar || d.Status != recon.StatusAdjusted || d.JournalEntry == "" {
		t.Fatalf("oscar adjusting: %+v, %v", d, err)
	}

	rows := testenv.ExportRows(t, ctx, h.rig.Store, c.WorkflowID)
	rows[1][len(rows[1])-2] = recon.ActionCarry // and no reason
	_, err = as(oscar).Import(ctx, bytes.NewReader(encodeCSV(t, rows)))
	if !errors.As(err, &apiErr) || len(apiErr.Rows) != 1 || apiErr.Rows[0].Row != 2 || apiErr.Rows[0].Field != "reason" {
		t.Fatalf("import without a reason: %v (%+v)", err, apiErr)
	}
	rows[1][len(rows[1])-1] = "arrives tomorrow"
	res, err := as(oscar).Import(ctx, bytes.NewReader(encodeCSV(t, rows)))
	if err != nil || res.Actor != oscar || res.Resolved != 1 || res.Unchanged != 9 {
		t.Fatalf("import: %+v, %v", res, err)
	}
}

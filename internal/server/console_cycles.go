package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/settleflow/settleflow/internal/access"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/store"
)

type cyclesData struct {
	Status, Scope string
	Statuses      []string
	Scopes        []string
	Cycles        []platform.CycleListing
	// Queue is what waits for a person: blocked cycles, then those
	// awaiting approval.
	Queue []platform.CycleListing
}

// cyclesPage is the cycle list with what needs a person on top.
func (s *Server) cyclesPage(w http.ResponseWriter, r *http.Request, c caller) error {
	q := r.URL.Query()
	d := cyclesData{Status: q.Get("status"), Scope: q.Get("scope"), Statuses: lifecycle.Statuses, Scopes: s.o.Catalog.ScopeNames()}
	var err error
	if d.Cycles, err = s.cycleList(r, d.Status); err != nil {
		return err
	}
	for _, status := range []string{lifecycle.StatusBlocked, lifecycle.StatusAwaitingApproval} {
		waiting, err := platform.ListCycles(r.Context(), s.o.Temporal, d.Scope, status, 100)
		if err != nil {
			return err
		}
		d.Queue = append(d.Queue, waiting...)
	}
	return s.page(w, r, c, "cycles", view{Title: "Cycles", Nav: "cycles", Data: d})
}

// startForm starts a cycle from the console, as the caller.
func (s *Server) startForm(w http.ResponseWriter, r *http.Request, c caller) error {
	req := startRequest{Scope: r.PostFormValue("scope"), Period: r.PostFormValue("period"), Revise: r.PostFormValue("revise") == "on"}
	started, err := s.start(r, c, req)
	if err != nil {
		return err
	}
	done := "started"
	if started.Existing {
		done = "already exists; not started again"
	}
	http.Redirect(w, r, "/cycles/"+cyclePath(started.Input.Scope, started.Input.PeriodKey)+"?done="+url.QueryEscape(done), http.StatusSeeOther)
	return nil
}

type cycleData struct {
	View       platform.CycleView
	Path       string // {scope}/{period}
	Statements []store.Statement
	Reasons    []store.ReasonCount
	Actions    []actionButton
	Live       bool // the cycle may still change: the page follows it
	TemporalUI string
	// Breaks is the reconciliation; nil until the cycle has reconciled.
	Breaks *cycleBreaks
}

// actionButton is an action the cycle's state allows and the role it needs.
type actionButton struct {
	Action, Help string
	Role         access.Role
}

// cyclePage shows one cycle: steps, counts, blocked reason, approval,
// actions, discrepancies, statements and quarantine.
func (s *Server) cyclePage(w http.ResponseWriter, r *http.Request, c caller) error {
	d, err := s.cycleData(r, c)
	if err != nil {
		return err
	}
	return s.page(w, r, c, "cycle", view{Title: d.View.Status.WorkflowID, Nav: "cycles", Data: d})
}

func (s *Server) cycleData(r *http.Request, c caller) (cycleData, error) {
	v, err := platform.ShowCycle(r.Context(), s.o.Temporal, s.o.Store, cycleOf(r))
	if err != nil {
		return cycleData{}, err
	}
	st := v.Status
	canSkip, canAbort := st.Blocked != nil && st.Blocked.CanSkip, st.Blocked == nil || st.Blocked.CanAbort
	d := cycleData{View: v, Path: cyclePath(st.Scope, st.PeriodKey), Actions: actionsFor(st.Status, canSkip, canAbort),
		Live: !v.FromLog && st.Status != lifecycle.StatusCompleted && st.Status != lifecycle.StatusCompensated}
	if s.o.TemporalUI != "" {
		d.TemporalUI = fmt.Sprintf("%s/namespaces/%s/workflows/%s", s.o.TemporalUI, url.PathEscape(s.o.Namespace), url.PathEscape(st.WorkflowID))
	}
	// A cycle that has not opened yet has no row, so nothing published or
	// quarantined either.
	cyc, err := s.o.Store.LatestCycleOfWorkflow(r.Context(), st.WorkflowID)
	if errors.Is(err, store.ErrNotFound) {
		return d, nil
	}
	if err != nil {
		return d, err
	}
	if d.Statements, err = s.o.Store.Statements(r.Context(), cyc.ID); err != nil {
		return d, err
	}
	if d.Reasons, err = s.o.Store.QuarantineReasons(r.Context(), cyc.ID); err != nil {
		return d, err
	}
	d.Breaks, err = s.cycleBreaksOf(r, c, cyc, d.Path)
	return d, err
}

// actionsFor lists the actions a cycle in status allows, as the workflow's
// Update validators decide them; the workflow still has the last word.
func actionsFor(status string, canSkip, canAbort bool) []actionButton {
	var out []actionButton
	add := func(action, help string) {
		role, _ := access.ForAction(action) // every lifecycle action has one
		out = append(out, actionButton{Action: action, Role: role, Help: help})
	}
	switch status {
	case lifecycle.StatusBlocked:
		add(lifecycle.ActionRetry, "Run the blocked step again")
		if canSkip {
			add(lifecycle.ActionSkip, "Continue without the blocked step")
		}
		if canAbort {
			add(lifecycle.ActionAbort, "Undo the cycle, newest step first")
		}
	case lifecycle.StatusAwaitingApproval:
		add(lifecycle.ActionApprove, "Post and publish (not by whoever started the cycle)")
		add(lifecycle.ActionReject, "Undo the cycle before anything is posted")
		add(lifecycle.ActionAbort, "Undo the cycle, newest step first")
	}
	return out
}

// actionForm applies an operator action posted from a cycle's page. A
// refusal (four eyes, wrong state, no reason) shows the page again with
// the reason.
func (s *Server) actionForm(action string) handler {
	return func(w http.ResponseWriter, r *http.Request, c caller) error {
		_, err := s.act(r, c, action, r.PostFormValue("reason"))
		if err == nil {
			http.Redirect(w, r, "/cycles/"+cyclePath(r.PathValue("scope"), r.PathValue("period"))+
				"?done="+url.QueryEscape(action+" accepted"), http.StatusSeeOther)
			return nil
		}
		e := s.errorOf(r, err)
		if e.Status != http.StatusBadRequest && e.Status != http.StatusConflict {
			return e
		}
		d, derr := s.cycleData(r, c)
		if derr != nil {
			return derr
		}
		return s.pageStatus(w, r, c, e.Status, "cycle", view{Title: d.View.Status.WorkflowID, Nav: "cycles", Error: e.Message, Data: d})
	}
}

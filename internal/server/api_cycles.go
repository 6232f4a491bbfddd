package server

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"go.temporal.io/api/serviceerror"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/workflows"
)

// listCycles is GET /api/v1/cycles?scope=&status=&limit=: cycles from
// Temporal visibility, newest first.
func (s *Server) listCycles(w http.ResponseWriter, r *http.Request, _ caller) error {
	list, err := s.cycleList(r, r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	out := make([]platform.CycleListingDoc, 0, len(list))
	for _, l := range list {
		out = append(out, platform.ListingDoc(l))
	}
	writeJSON(w, http.StatusOK, map[string]any{"cycles": out})
	return nil
}

// cycleList lists cycles as the query asks, checking its parameters.
func (s *Server) cycleList(r *http.Request, status string) ([]platform.CycleListing, error) {
	if status != "" && !slices.Contains(lifecycle.Statuses, status) {
		return nil, badField("status", "%q: want one of %v", status, lifecycle.Statuses)
	}
	limit, err := intParam(r, "limit", 100, 1, 1000)
	if err != nil {
		return nil, err
	}
	return platform.ListCycles(r.Context(), s.o.Temporal, r.URL.Query().Get("scope"), status, limit)
}

// startRequest is the body of POST /api/v1/cycles.
type startRequest struct {
	Scope  string `json:"scope"`
	Period string `json:"period"`
	Revise bool   `json:"revise"`
	// IdempotencyKey, with revise, makes repeating the request start one
	// revision, not two.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// Force, when set, is why a period not over yet is settled; recorded.
	Force string `json:"force,omitempty"`
}

// startCycle is POST /api/v1/cycles: the cycle is started by the token's
// identity, which four eyes then keeps from approving it.
func (s *Server) startCycle(w http.ResponseWriter, r *http.Request, c caller) error {
	var req startRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	started, err := s.start(r, c, req)
	if err != nil {
		return err
	}
	code := http.StatusCreated
	if started.Existing {
		code = http.StatusOK
	}
	writeJSON(w, code, map[string]any{"workflow_id": started.WorkflowID, "run_id": started.RunID,
		"existing": started.Existing, "started_by": started.Input.StartedBy,
		"href": "/api/v1/cycles/" + cyclePath(started.Input.Scope, started.Input.PeriodKey)})
	return nil
}

// start checks the scope and period, naming the wrong one, and starts.
func (s *Server) start(r *http.Request, c caller, req startRequest) (platform.Started, error) {
	if _, err := requireText("scope", req.Scope); err != nil {
		return platform.Started{}, err
	}
	if _, err := s.o.Catalog.Scope(req.Scope); err != nil {
		return platform.Started{}, badField("scope", "%v", err)
	}
	if _, err := requireText("period", req.Period); err != nil {
		return platform.Started{}, err
	}
	start := platform.StartRequest{Scope: req.Scope, Period: req.Period, Revise: req.Revise, StartedBy: c.Name,
		IdempotencyKey: req.IdempotencyKey, Force: req.Force, Tuning: s.o.Tuning}
	if req.IdempotencyKey != "" && !req.Revise {
		return platform.Started{}, badField("idempotency_key", "is for a revision (revise: true)")
	}
	if _, err := platform.ResolveStart(s.o.Catalog, start, time.Now()); err != nil {
		return platform.Started{}, badField("period", "%v", err)
	}
	return platform.StartCycle(r.Context(), s.o.Temporal, s.o.Catalog, start)
}

// showCycle is GET /api/v1/cycles/{scope}/{period}.
func (s *Server) showCycle(w http.ResponseWriter, r *http.Request, _ caller) error {
	v, err := platform.ShowCycle(r.Context(), s.o.Temporal, s.o.Store, cycleOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, platform.StatusDoc(v))
	return nil
}

// cycleSteps is GET /api/v1/cycles/{scope}/{period}/steps.
func (s *Server) cycleSteps(w http.ResponseWriter, r *http.Request, _ caller) error {
	v, err := platform.ShowCycle(r.Context(), s.o.Temporal, s.o.Store, cycleOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"workflow_id": v.Status.WorkflowID, "steps": platform.StepsDoc(v.Status.Steps)})
	return nil
}

// cycleEvents is GET /api/v1/cycles/{scope}/{period}/events: the latest
// run's hash-chained event log, and whether the chain verifies.
func (s *Server) cycleEvents(w http.ResponseWriter, r *http.Request, _ caller) error {
	cyc, err := s.o.Store.LatestCycleOfWorkflow(r.Context(), cycleOf(r))
	if err != nil {
		return err
	}
	events, err := s.o.Store.Events(r.Context(), cyc.ID)
	if err != nil {
		return err
	}
	verified, chainErr := true, s.o.Store.VerifyEvents(r.Context(), cyc.ID)
	out := map[string]any{"cycle_id": cyc.ID, "events": eventsJSON(events), "chain_verified": verified}
	if chainErr != nil {
		out["chain_verified"], out["chain_error"] = false, chainErr.Error()
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// actionRequest is the body of POST /api/v1/cycles/{scope}/{period}/{action}.
type actionRequest struct {
	Reason string `json:"reason"`
}

// actOn returns the handler of one operator action: the same workflow
// Update as the CLI's, with the token's identity as the actor.
func (s *Server) actOn(action string) handler {
	return func(w http.ResponseWriter, r *http.Request, c caller) error {
		var req actionRequest
		if err := decodeJSON(w, r, &req); err != nil {
			return err
		}
		res, err := s.act(r, c, action, req.Reason)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"action": res.Action, "actor": c.Name, "episode": res.Episode,
			"status": res.Status, "workflow_id": cycleOf(r)})
		return nil
	}
}

// act applies an action as the caller. A cycle whose workflow has ended is
// refused as such rather than reported missing.
func (s *Server) act(r *http.Request, c caller, action, reason string) (workflows.ActionResult, error) {
	reason, err := requireText("reason", reason)
	if err != nil {
		return workflows.ActionResult{}, err
	}
	wf := cycleOf(r)
	res, err := platform.Act(r.Context(), s.o.Temporal, wf, action, c.Name, reason)
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		if cyc, lerr := s.o.Store.LatestCycleOfWorkflow(r.Context(), wf); lerr == nil {
			return res, errorf(http.StatusConflict, codeRefused, "%s: cycle %s is %s; its workflow has ended", action, wf, cyc.Status)
		}
	}
	return res, err
}

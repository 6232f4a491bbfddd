package server

import (
	"fmt"
	"net/http"
	"time"

	"github.com/settleflow/settleflow/internal/platform"
)

type scheduleJSON struct {
	ID      string     `json:"id"`
	Scope   string     `json:"scope"`
	Spec    string     `json:"spec"`
	Note    string     `json:"note,omitempty"`
	Paused  bool       `json:"paused"`
	NextRun *time.Time `json:"next_run,omitempty"`
	LastRun *time.Time `json:"last_run,omitempty"`
}

func (s *Server) schedules() platform.Schedules {
	return platform.Schedules{Client: s.o.Temporal, Catalog: s.o.Catalog}
}

// listSchedules is GET /api/v1/schedules.
func (s *Server) listSchedules(w http.ResponseWriter, r *http.Request, _ caller) error {
	list, err := s.schedules().List(r.Context())
	if err != nil {
		return err
	}
	out := make([]scheduleJSON, 0, len(list))
	for _, l := range list {
		out = append(out, scheduleJSON{ID: l.ID, Scope: l.Scope, Spec: l.Spec, Note: l.Note, Paused: l.Paused,
			NextRun: timeOrNil(l.NextRun), LastRun: timeOrNil(l.LastRun)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"schedules": out})
	return nil
}

// describeSchedule is GET /api/v1/schedules/{scope}.
func (s *Server) describeSchedule(w http.ResponseWriter, r *http.Request, _ caller) error {
	d, err := s.schedules().Describe(r.Context(), r.PathValue("scope"))
	if err != nil {
		return err
	}
	recent := make([]map[string]any, 0, len(d.Recent))
	for _, a := range d.Recent {
		recent = append(recent, map[string]any{"scheduled": a.ScheduleTime, "actual": a.ActualTime,
			"workflow_id": a.StartWorkflowResult.WorkflowID})
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": d.ID, "scope": d.Scope, "spec": d.Spec,
		"calendar_spec": d.CalendarSpec, "overlap": d.Overlap, "catchup_window": d.CatchupWindow.String(),
		"paused": d.Paused, "note": d.Note, "next_runs": d.NextRuns, "recent": recent, "running": d.Running,
		"actions": d.Actions, "created_at": d.CreatedAt, "scope_configured": d.ScopeConfigured})
	return nil
}

// scheduleRequest is the body of the schedule mutations; each uses the
// fields it needs.
type scheduleRequest struct {
	Overlap       string `json:"overlap"`
	CatchupWindow string `json:"catchup_window"`
	Paused        bool   `json:"paused"`
	Note          string `json:"note"`
	From          string `json:"from"`
	To            string `json:"to"`
}

// changeSchedule returns the handler of POST /api/v1/schedules/{scope}/{op}
// (and of create and delete). Notes record who made the change.
func (s *Server) changeSchedule(op string) handler {
	return func(w http.ResponseWriter, r *http.Request, c caller) error {
		var req scheduleRequest
		if r.Method != http.MethodDelete {
			if err := decodeJSON(w, r, &req); err != nil {
				return err
			}
		}
		scope, sch := r.PathValue("scope"), s.schedules()
		note := fmt.Sprintf("%s by %s", op, c.Name)
		if req.Note != "" {
			note += ": " + req.Note
		}
		out := map[string]any{"scope": scope, "op": op, "actor": c.Name}
		var err error
		switch op {
		case "create":
			err = s.createSchedule(r, scope, req, note)
		case "pause":
			err = sch.Pause(r.Context(), scope, note)
		case "unpause":
			err = sch.Unpause(r.Context(), scope, note)
		case "trigger":
			err = sch.Trigger(r.Context(), scope)
		case "backfill":
			out["periods"], err = sch.Backfill(r.Context(), scope, req.From, req.To)
		case "delete":
			err = sch.Delete(r.Context(), scope)
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

func (s *Server) createSchedule(r *http.Request, scope string, req scheduleRequest, note string) error {
	if _, err := s.o.Catalog.Scope(scope); err != nil {
		return badField("scope", "%v", err)
	}
	o := platform.ScheduleOptions{Overlap: req.Overlap, Paused: req.Paused, Note: note}
	if _, err := platform.ParseOverlap(req.Overlap); err != nil {
		return badField("overlap", "%v", err)
	}
	if req.CatchupWindow != "" {
		d, err := time.ParseDuration(req.CatchupWindow)
		if err != nil || d < 0 {
			return badField("catchup_window", "%q is not a duration such as 1h", req.CatchupWindow)
		}
		o.CatchupWindow = d
	}
	return s.schedules().Create(r.Context(), scope, o)
}

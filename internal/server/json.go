package server

import (
	"time"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/workflows"
)

// The API's answers. Field names are the API's contract, so they are
// declared here rather than taken from internal types.

type cycleListingJSON struct {
	WorkflowID string     `json:"workflow_id"`
	RunID      string     `json:"run_id"`
	Scope      string     `json:"scope"`
	Period     string     `json:"period"`
	Revision   int64      `json:"revision"`
	Status     string     `json:"status"`
	Execution  string     `json:"execution"`
	Started    time.Time  `json:"started"`
	Closed     *time.Time `json:"closed,omitempty"`
	Href       string     `json:"href"`
}

func listingJSON(l platform.CycleListing) cycleListingJSON {
	return cycleListingJSON{WorkflowID: l.WorkflowID, RunID: l.RunID, Scope: l.Scope, Period: l.Period,
		Revision: l.Revision, Status: l.Status, Execution: l.Execution, Started: l.Started, Closed: timeOrNil(l.Closed),
		Href: "/api/v1/cycles/" + cyclePath(l.Scope, l.Period)}
}

type stepJSON struct {
	Name       string           `json:"name"`
	Status     string           `json:"status"`
	StartedAt  *time.Time       `json:"started_at,omitempty"`
	EndedAt    *time.Time       `json:"ended_at,omitempty"`
	DurationMS *int64           `json:"duration_ms,omitempty"`
	Attempts   int              `json:"attempts"`
	Counts     map[string]int64 `json:"counts"`
	Error      string           `json:"error,omitempty"`
}

type blockedJSON struct {
	Step        string     `json:"step"`
	Error       string     `json:"error"`
	Since       time.Time  `json:"since"`
	AutoAbortAt *time.Time `json:"auto_abort_at,omitempty"`
	CanSkip     bool       `json:"can_skip"`
	CanAbort    bool       `json:"can_abort"`
}

type approvalJSON struct {
	Reasons  []string `json:"reasons"`
	Decision string   `json:"decision,omitempty"`
	Actor    string   `json:"actor,omitempty"`
}

type actionJSON struct {
	Action   string    `json:"action"`
	Actor    string    `json:"actor"`
	Reason   string    `json:"reason"`
	Step     string    `json:"step,omitempty"`
	Recorded time.Time `json:"recorded"`
}

type cycleJSON struct {
	WorkflowID  string        `json:"workflow_id"`
	CycleID     string        `json:"cycle_id"`
	Scope       string        `json:"scope"`
	Period      string        `json:"period"`
	PeriodStart time.Time     `json:"period_start"`
	PeriodEnd   time.Time     `json:"period_end"`
	Revision    int           `json:"revision"`
	Status      string        `json:"status"`
	StartedBy   string        `json:"started_by"`
	Error       string        `json:"error,omitempty"`
	Steps       []stepJSON    `json:"steps"`
	Compensated []string      `json:"compensated,omitempty"`
	Blocked     *blockedJSON  `json:"blocked,omitempty"`
	Approval    *approvalJSON `json:"approval,omitempty"`
	Actions     []actionJSON  `json:"actions"`
	// Source says where the status came from: the running workflow, or
	// the Postgres event log when no worker could answer.
	Source string `json:"source"`
}

func statusJSON(v platform.CycleView) cycleJSON {
	st := v.Status
	out := cycleJSON{WorkflowID: st.WorkflowID, CycleID: st.CycleID, Scope: st.Scope, Period: st.PeriodKey,
		PeriodStart: st.PeriodStart, PeriodEnd: st.PeriodEnd, Revision: st.Revision, Status: st.Status,
		StartedBy: st.StartedBy, Error: st.Error, Steps: stepsJSON(st.Steps), Compensated: st.Compensated,
		Actions: []actionJSON{}, Source: "workflow"}
	if v.FromLog {
		out.Source = "event_log"
	}
	if b := st.Blocked; b != nil {
		out.Blocked = &blockedJSON{Step: b.Step, Error: b.Error, Since: b.Since, AutoAbortAt: timeOrNil(b.AutoAbortAt),
			CanSkip: b.CanSkip, CanAbort: b.CanAbort}
	}
	if a := st.Approval; a != nil {
		out.Approval = &approvalJSON{Reasons: a.Reasons, Decision: a.Decision, Actor: a.Actor}
	}
	for _, a := range st.Actions {
		out.Actions = append(out.Actions, actionJSON{Action: a.Action, Actor: a.Actor, Reason: a.Reason, Step: a.Step, Recorded: a.Recorded})
	}
	return out
}

func stepsJSON(steps []workflows.StepState) []stepJSON {
	out := make([]stepJSON, 0, len(steps))
	for _, s := range steps {
		j := stepJSON{Name: s.Name, Status: s.Status, StartedAt: timeOrNil(s.StartedAt), EndedAt: timeOrNil(s.EndedAt),
			Attempts: s.Attempts, Counts: s.Counts, Error: s.Error}
		if j.Counts == nil {
			j.Counts = map[string]int64{}
		}
		if !s.StartedAt.IsZero() && !s.EndedAt.IsZero() {
			ms := s.EndedAt.Sub(s.StartedAt).Milliseconds()
			j.DurationMS = &ms
		}
		out = append(out, j)
	}
	return out
}

type eventJSON struct {
	Seq        int       `json:"seq"`
	Kind       string    `json:"kind"`
	Step       string    `json:"step,omitempty"`
	Actor      string    `json:"actor,omitempty"`
	Payload    any       `json:"payload"`
	Hash       string    `json:"hash"`
	RecordedAt time.Time `json:"recorded_at"`
}

func eventsJSON(events []store.Event) []eventJSON {
	out := make([]eventJSON, 0, len(events))
	for _, e := range events {
		out = append(out, eventJSON{Seq: e.Seq, Kind: e.Kind, Step: e.Step, Actor: e.Actor, Payload: e.Payload,
			Hash: e.Hash, RecordedAt: e.RecordedAt})
	}
	return out
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// reconCountJSON is recon.Count as the API names it (recon.Count travels
// in the workflow's result, so it keeps its Go field names there).
type reconCountJSON struct {
	Pair         string `json:"pair"`
	Type         string `json:"type"`
	Matched      int64  `json:"matched"`
	AutoResolved int64  `json:"auto_resolved"`
	Open         int64  `json:"open"`
	Resolved     int64  `json:"resolved"`
	OpenAmount   int64  `json:"open_amount"`
	OpenUnvalued int64  `json:"open_unvalued"`
}

func countsJSON(counts []recon.Count) []reconCountJSON {
	out := make([]reconCountJSON, 0, len(counts))
	for _, c := range counts {
		out = append(out, reconCountJSON{Pair: c.Pair, Type: c.Type, Matched: c.Matched, AutoResolved: c.AutoResolved,
			Open: c.Open, Resolved: c.Resolved, OpenAmount: c.OpenAmount, OpenUnvalued: c.OpenUnvalued})
	}
	return out
}

// openJSON is what a cycle's open breaks sum to, as its gate sees them.
type openJSON struct {
	Count     int64 `json:"count"`
	Amount    int64 `json:"amount"`
	Unvalued  int64 `json:"unvalued"`
	Conflicts int64 `json:"conflicts"`
}

func openJSONOf(o recon.Open) openJSON {
	return openJSON{Count: o.Count, Amount: o.Amount, Unvalued: o.Unvalued, Conflicts: o.Conflicts}
}

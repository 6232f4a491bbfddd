package platform

import (
	"net/url"
	"time"

	"github.com/settleflow/settleflow/workflows"
)

// A cycle as the API answers it and `cycle list|show --output json` print
// it. Field names are a contract with scripts, so they are declared here
// rather than taken from the workflow's types.

// CycleListingDoc is one line of a cycle list.
type CycleListingDoc struct {
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

// ListingDoc is l as the API and the CLI print it.
func ListingDoc(l CycleListing) CycleListingDoc {
	return CycleListingDoc{WorkflowID: l.WorkflowID, RunID: l.RunID, Scope: l.Scope, Period: l.Period,
		Revision: l.Revision, Status: l.Status, Execution: l.Execution, Started: l.Started, Closed: timeOrNil(l.Closed),
		Href: "/api/v1/cycles/" + url.PathEscape(l.Scope) + "/" + url.PathEscape(l.Period)}
}

// StepDoc is one step of a cycle.
type StepDoc struct {
	Name       string           `json:"name"`
	Status     string           `json:"status"`
	StartedAt  *time.Time       `json:"started_at,omitempty"`
	EndedAt    *time.Time       `json:"ended_at,omitempty"`
	DurationMS *int64           `json:"duration_ms,omitempty"`
	Attempts   int              `json:"attempts"`
	Counts     map[string]int64 `json:"counts"`
	Error      string           `json:"error,omitempty"`
}

// BlockedDoc is what a blocked cycle waits on.
type BlockedDoc struct {
	Step        string     `json:"step"`
	Error       string     `json:"error"`
	Since       time.Time  `json:"since"`
	AutoAbortAt *time.Time `json:"auto_abort_at,omitempty"`
	CanSkip     bool       `json:"can_skip"`
	CanAbort    bool       `json:"can_abort"`
}

// ApprovalDoc is the approval gate.
type ApprovalDoc struct {
	Reasons  []string `json:"reasons"`
	Decision string   `json:"decision,omitempty"`
	Actor    string   `json:"actor,omitempty"`
}

// ActionDoc is one operator action.
type ActionDoc struct {
	Action   string    `json:"action"`
	Actor    string    `json:"actor"`
	Reason   string    `json:"reason"`
	Step     string    `json:"step,omitempty"`
	Recorded time.Time `json:"recorded"`
}

// FallbackDoc is a source whose figures its fallback gave.
type FallbackDoc struct {
	Source   string `json:"source"`
	Fallback string `json:"fallback"`
	Mode     string `json:"mode"`
	Actor    string `json:"actor"`
	Reason   string `json:"reason"`
	Records  int    `json:"records"`
}

// CycleDoc is a cycle's status.
type CycleDoc struct {
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
	Steps       []StepDoc     `json:"steps"`
	Compensated []string      `json:"compensated,omitempty"`
	Blocked     *BlockedDoc   `json:"blocked,omitempty"`
	Approval    *ApprovalDoc  `json:"approval,omitempty"`
	Actions     []ActionDoc   `json:"actions"`
	Fallbacks   []FallbackDoc `json:"fallbacks,omitempty"`
	// Summary is the cycle in plain language, once stage 3 has run.
	Summary string `json:"summary,omitempty"`
	// Source says where the status came from: the running workflow, or
	// the Postgres event log when no worker could answer.
	Source string `json:"source"`
}

// StatusDoc is v as the API and the CLI print it.
func StatusDoc(v CycleView) CycleDoc {
	st := v.Status
	out := CycleDoc{WorkflowID: st.WorkflowID, CycleID: st.CycleID, Scope: st.Scope, Period: st.PeriodKey,
		PeriodStart: st.PeriodStart, PeriodEnd: st.PeriodEnd, Revision: st.Revision, Status: st.Status,
		StartedBy: st.StartedBy, Error: st.Error, Steps: StepsDoc(st.Steps), Compensated: st.Compensated,
		Actions: []ActionDoc{}, Source: "workflow", Summary: st.Summary}
	if v.FromLog {
		out.Source = "event_log"
	}
	if b := st.Blocked; b != nil {
		out.Blocked = &BlockedDoc{Step: b.Step, Error: b.Error, Since: b.Since, AutoAbortAt: timeOrNil(b.AutoAbortAt),
			CanSkip: b.CanSkip, CanAbort: b.CanAbort}
	}
	if a := st.Approval; a != nil {
		out.Approval = &ApprovalDoc{Reasons: a.Reasons, Decision: a.Decision, Actor: a.Actor}
	}
	for _, a := range st.Actions {
		out.Actions = append(out.Actions, ActionDoc{Action: a.Action, Actor: a.Actor, Reason: a.Reason, Step: a.Step, Recorded: a.Recorded})
	}
	for _, f := range st.Fallbacks {
		out.Fallbacks = append(out.Fallbacks, FallbackDoc{Source: f.Source, Fallback: f.Fallback, Mode: f.Mode,
			Actor: f.Actor, Reason: f.Reason, Records: f.Records})
	}
	return out
}

// StepsDoc are a cycle's steps as the API and the CLI print them.
func StepsDoc(steps []workflows.StepState) []StepDoc {
	out := make([]StepDoc, 0, len(steps))
	for _, s := range steps {
		j := StepDoc{Name: s.Name, Status: s.Status, StartedAt: timeOrNil(s.StartedAt), EndedAt: timeOrNil(s.EndedAt),
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

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

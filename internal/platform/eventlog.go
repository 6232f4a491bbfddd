package platform

import (
	"encoding/json"

	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/workflows"
)

// StatusFromLog rebuilds a cycle's status from its Postgres event log, for
// when the workflow cannot be queried (no worker running, or history past
// the namespace's retention). The log is the permanent record.
func StatusFromLog(c store.Cycle, events []store.Event) workflows.CycleStatus {
	st := workflows.CycleStatus{CycleID: c.ID.String(), WorkflowID: c.WorkflowID, Scope: c.Scope, PeriodKey: c.PeriodKey,
		PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd, Revision: c.Revision, Status: c.Status, StartedBy: c.StartedBy}
	index := map[string]int{}
	stepOf := func(name string) *workflows.StepState {
		i, ok := index[name]
		if !ok {
			i = len(st.Steps)
			index[name] = i
			st.Steps = append(st.Steps, workflows.StepState{Name: name, Counts: map[string]int64{}})
		}
		return &st.Steps[i]
	}
	for _, e := range events {
		var p struct {
			Counts map[string]int64 `json:"counts"`
			Error  string           `json:"error"`
			Reason string           `json:"reason"`
		}
		_ = json.Unmarshal(e.Payload, &p) // payloads are written by settleflow; a missing field is just empty
		switch e.Kind {
		case "cycle.opened":
			s := stepOf(workflows.StepOpen)
			s.Status, s.StartedAt, s.EndedAt = workflows.StepDone, e.RecordedAt, e.RecordedAt
		case "step.started":
			s := stepOf(e.Step)
			s.Status, s.StartedAt, s.Error = workflows.StepRunning, e.RecordedAt, ""
			s.Attempts++
		case "step.completed", "step.skipped":
			s := stepOf(e.Step)
			s.Status, s.EndedAt = e.Kind[len("step."):], e.RecordedAt
			for k, v := range p.Counts {
				s.Counts[k] = v
			}
		case "step.failed":
			s := stepOf(e.Step)
			s.Status, s.EndedAt, s.Error = workflows.StepFailed, e.RecordedAt, p.Error
		case "step.compensated":
			stepOf(e.Step).Status = workflows.StepCompensated
			st.Compensated = append(st.Compensated, e.Step)
		case "compensation.started":
			st.Error = p.Reason
		default:
			if len(e.Kind) > len("action.") && e.Kind[:len("action.")] == "action." {
				st.Actions = append(st.Actions, workflows.ActionRecord{Action: e.Kind[len("action."):], Actor: e.Actor,
					Reason: p.Reason, Step: e.Step, Recorded: e.RecordedAt})
			}
		}
	}
	return st
}

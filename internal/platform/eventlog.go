package platform

import (
	"encoding/json"

	"github.com/settleflow/settleflow/internal/lifecycle"
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
		case lifecycle.EventCycleOpened:
			s := stepOf(lifecycle.StepOpen)
			s.Status, s.StartedAt, s.EndedAt = lifecycle.StepDone, e.RecordedAt, e.RecordedAt
		case lifecycle.EventStepStarted:
			s := stepOf(e.Step)
			s.Status, s.StartedAt, s.Error = lifecycle.StepRunning, e.RecordedAt, ""
			s.Attempts++
		case lifecycle.EventStepCompleted, lifecycle.EventStepSkipped:
			s := stepOf(e.Step)
			s.Status, s.EndedAt = lifecycle.StepDone, e.RecordedAt
			if e.Kind == lifecycle.EventStepSkipped {
				s.Status = lifecycle.StepSkipped
			}
			for k, v := range p.Counts {
				s.Counts[k] = v
			}
		case lifecycle.EventStepFailed:
			s := stepOf(e.Step)
			s.Status, s.EndedAt, s.Error = lifecycle.StepFailed, e.RecordedAt, p.Error
		case lifecycle.EventStepCompensated:
			stepOf(e.Step).Status = lifecycle.StepCompensated
			st.Compensated = append(st.Compensated, e.Step)
		case lifecycle.EventCompensationStarted:
			st.Error = p.Reason
		default:
			if action, ok := lifecycle.ActionOf(e.Kind); ok {
				st.Actions = append(st.Actions, workflows.ActionRecord{Action: action, Actor: e.Actor,
					Reason: p.Reason, Step: e.Step, Recorded: e.RecordedAt})
			}
		}
	}
	return st
}

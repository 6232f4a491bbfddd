package workflows

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

// An abort while a step runs cancels the step, waits for it to stop and
// undoes what came before, the cancelled step's own work included.
func TestAbortRunningStepCancelsAndCompensates(t *testing.T) {
	f := &fakeSteps{hang: true}
	env := newEnv(t, f)
	var running CycleStatus
	env.RegisterDelayedCallback(func() {
		running = queryStatus(t, env)
		sendAction(t, env, lifecycle.ActionAbort, "ops", "", errors.New("reason required"))
		sendAction(t, env, lifecycle.ActionAbort, "ops", "wrong period, stop it", nil)
	}, time.Second)
	env.ExecuteWorkflow(SettlementCycle, testInput())
	if !isDecision(env.GetWorkflowError()) {
		t.Fatalf("workflow error %v, want the abort", env.GetWorkflowError())
	}
	if running.Status != lifecycle.StatusRunning || running.Steps[2].Status != lifecycle.StepRunning {
		t.Fatalf("before the abort: %s, validate %s", running.Status, running.Steps[2].Status)
	}
	st := queryStatus(t, env)
	if st.Status != lifecycle.StatusCompensated || len(st.Actions) != 1 || st.Actions[0].Step != lifecycle.StepValidate {
		t.Errorf("status %s, actions %+v", st.Status, st.Actions)
	}
	if !slices.Equal(f.undone, []string{lifecycle.StepPull}) {
		t.Errorf("undone %v, want the pull", f.undone)
	}
	if slices.Contains(f.events, lifecycle.EventStepFailed+":"+lifecycle.StepValidate) {
		t.Errorf("the cancelled step was logged as failed: %v", f.events)
	}
	for _, want := range []string{"action.abort:validate", "compensation.started:", "step.compensated:pull", "cycle.compensated:"} {
		if !slices.Contains(f.events, want) {
			t.Errorf("event log lacks %s: %v", want, f.events)
		}
	}
}

// A closing or compensating cycle cannot be aborted, nor a running one
// recorded before aborts could cancel a step.
func TestCheckAbort(t *testing.T) {
	c := &cycle{features: features{operatorActions: true, abortRunning: true},
		status: CycleStatus{Steps: []StepState{{Name: lifecycle.StepClose, Status: lifecycle.StepPending}}}}
	c.status.Status, c.running = lifecycle.StatusRunning, lifecycle.StepClose
	if err := c.checkAbort(); err == nil {
		t.Error("abort accepted while closing")
	}
	c.status.Status = lifecycle.StatusCompensating
	if err := c.checkAbort(); err == nil {
		t.Error("abort accepted while compensating")
	}
	c.status.Status, c.running = lifecycle.StatusRunning, lifecycle.StepPost
	if err := c.checkAbort(); err != nil {
		t.Errorf("abort refused while posting: %v", err)
	}
	c.running, c.status.Steps[0].Status = "", lifecycle.StepDone
	if err := c.checkAbort(); err == nil {
		t.Error("abort accepted once the cycle had closed")
	}
	c.status.Steps[0].Status, c.running = lifecycle.StepPending, lifecycle.StepPost
	c.features.abortRunning = false
	if err := c.checkAbort(); err == nil {
		t.Error("a run from before abort-running accepted an abort while running")
	}
}

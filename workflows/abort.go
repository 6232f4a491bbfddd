package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

// interruptible runs one attempt of a step in a context an operator's
// abort cancels (see apply): the step's activities and child workflows are
// asked to stop, and waited for until they have.
func (c *cycle) interruptible(ctx workflow.Context, s step) error {
	if !c.features.abortRunning {
		return s.run(ctx)
	}
	sctx, cancel := workflow.WithCancel(ctx)
	c.running, c.cancelStep = s.name, cancel
	defer func() { c.running, c.cancelStep = "", nil }()
	return s.run(sctx)
}

// abortPending says whether an abort of the running cycle waits to be
// acted on. A blocked cycle or one awaiting approval takes its decisions
// where it waits.
func (c *cycle) abortPending() bool {
	return c.pending != nil && c.pending.action == lifecycle.ActionAbort && c.status.Status == lifecycle.StatusRunning
}

// abortRequested takes a pending abort of the running cycle.
func (c *cycle) abortRequested() (decision, bool) {
	if !c.abortPending() {
		return decision{}, false
	}
	return c.takeDecision(), true
}

// aborted ends a step an operator aborted. Whatever part of its work it
// did before it stopped is undone with the rest, so its undo is
// registered: every undo copes with work never done.
func (c *cycle) aborted(s step, st *StepState, d decision) error {
	st.Status, st.Error = lifecycle.StepFailed, d.err().Error()
	if s.undo != nil {
		c.saga = append(c.saga, compensation{step: s.name, undo: s.undo})
	}
	return d.err()
}

// interrupt cancels the running step for an accepted abort.
func (c *cycle) interrupt() {
	if c.cancelStep != nil {
		c.cancelStep()
	}
}

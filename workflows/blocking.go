package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
)

// errDecision is the error type of an operator's abort or rejection: it
// ends the cycle (compensating) rather than blocking it again.
const errDecision = "OperatorDecision"

// decision is an operator action waiting to be acted on.
type decision struct {
	action string
	actor  string
	reason string
}

func (d decision) err() error {
	return temporal.NewNonRetryableApplicationError(
		fmt.Sprintf("%s by %s: %s", d.action, d.actor, d.reason), errDecision, nil)
}

func isDecision(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == errDecision
}

func (c *cycle) hasDecision() bool { return c.pending != nil }

// takeDecision hands the pending decision to the waiting step.
func (c *cycle) takeDecision() decision {
	d := *c.pending
	c.pending = nil
	return d
}

// block parks the cycle after a failure until an operator decides: it is
// visible as blocked in the status query and in search attributes, an alert
// goes out at once, and when abort is allowed the cycle aborts on its own
// after the scope's timeout. Retry and skip return the decision; abort (or
// the timeout) returns an error that ends the cycle.
func (c *cycle) block(ctx workflow.Context, stepName string, cause error, canSkip, canAbort bool) (decision, error) {
	c.status.Episode++
	now := workflow.Now(ctx)
	b := &Blocked{Step: stepName, Error: cause.Error(), Since: now, CanSkip: canSkip, CanAbort: canAbort}
	b.CanFallback = c.checkFallback(b) == nil
	timeout := c.in.Tuning.autoAbortAfter(c.autoAbortAfter)
	if canAbort {
		b.AutoAbortAt = now.Add(timeout)
	}
	resume := c.status.Status
	c.status.Status, c.status.Blocked = lifecycle.StatusBlocked, b
	if st := c.stepState(stepName); st != nil {
		st.Status = lifecycle.StepBlocked
	}
	c.upsertStatus(ctx, lifecycle.StatusBlocked, stepName)
	c.recordQuietly(ctx, event{kind: lifecycle.EventCycleBlocked, step: stepName, status: lifecycle.StatusBlocked, payload: map[string]any{
		"error": b.Error, "episode": c.status.Episode, "can_skip": canSkip, "can_abort": canAbort, "auto_abort_at": b.AutoAbortAt,
	}})
	c.alert(ctx, b)

	decided := true
	if canAbort {
		ok, err := workflow.AwaitWithTimeout(ctx, timeout, c.hasDecision)
		if err != nil {
			return decision{}, err
		}
		decided = ok
	} else if err := workflow.Await(ctx, c.hasDecision); err != nil {
		return decision{}, err
	}
	var d decision
	if decided {
		d = c.takeDecision()
	} else {
		d = decision{action: lifecycle.ActionAbort, actor: "settleflow", reason: fmt.Sprintf("no operator decision within %s", timeout)}
		c.logAction(ctx, d, stepName)
	}
	c.status.Status, c.status.Blocked = resume, nil
	if st := c.stepState(stepName); st != nil {
		st.Status = lifecycle.StepFailed
	}
	c.upsertStatus(ctx, resume, "")
	if d.action == lifecycle.ActionAbort {
		return d, d.err()
	}
	return d, nil
}

// alert posts the blocked notice to the scope's webhook without waiting for
// it: delivery retries on its own and never holds the cycle.
func (c *cycle) alert(ctx workflow.Context, b *Blocked) {
	f := workflow.ExecuteActivity(c.in.Tuning.alertOptions(ctx), acts.Alert, activities.AlertInput{
		CycleID: c.id, WorkflowID: c.status.WorkflowID, Scope: c.in.Scope, PeriodKey: c.in.PeriodKey,
		Revision: c.in.Revision, Step: b.Step, Error: b.Error, Episode: c.status.Episode,
		BlockedAt: b.Since, AutoAbortAt: b.AutoAbortAt,
	})
	workflow.Go(ctx, func(gctx workflow.Context) {
		if err := f.Get(gctx, nil); err != nil {
			workflow.GetLogger(gctx).Error("blocked-cycle alert not delivered", "step", b.Step, "error", err)
		}
	})
}

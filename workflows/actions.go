package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

// registerActions installs one Update per operator action. Each validator
// refuses an action the cycle's state does not allow, with the reason; an
// accepted action is written to the event log with its actor and reason
// before the waiting step acts on it.
func (c *cycle) registerActions(ctx workflow.Context) error {
	for _, action := range lifecycle.Actions {
		err := workflow.SetUpdateHandlerWithOptions(ctx, action,
			func(ctx workflow.Context, req ActionRequest) (ActionResult, error) { return c.apply(ctx, action, req) },
			workflow.UpdateHandlerOptions{Validator: func(_ workflow.Context, req ActionRequest) error { return c.check(action, req) }})
		if err != nil {
			return fmt.Errorf("register %s: %w", action, err)
		}
	}
	return nil
}

// check says whether the action may be applied now.
func (c *cycle) check(action string, req ActionRequest) error {
	if strings.TrimSpace(req.Actor) == "" {
		return fmt.Errorf("%s: say who you are (--as)", action)
	}
	if strings.TrimSpace(req.Reason) == "" {
		return fmt.Errorf("%s: a reason is required (--reason)", action)
	}
	if c.pending != nil || c.deciding {
		return fmt.Errorf("%s: another action is being applied to this cycle", action)
	}
	status, b := c.status.Status, c.status.Blocked
	switch action {
	case lifecycle.ActionRetry:
		if status != lifecycle.StatusBlocked {
			return fmt.Errorf("retry: the cycle is %s, not blocked", status)
		}
	case lifecycle.ActionSkip:
		if status != lifecycle.StatusBlocked {
			return fmt.Errorf("skip: the cycle is %s, not blocked", status)
		}
		if !b.CanSkip {
			return fmt.Errorf("skip: %s is not optional (only steps or sources marked optional can be skipped)", b.Step)
		}
	case lifecycle.ActionFallback:
		if status != lifecycle.StatusBlocked {
			return fmt.Errorf("fallback: the cycle is %s, not blocked", status)
		}
		if err := c.checkFallback(b); err != nil {
			return err
		}
	case lifecycle.ActionAbort:
		return c.checkAbort()
	case lifecycle.ActionApprove, lifecycle.ActionReject:
		if status != lifecycle.StatusAwaitingApproval {
			return fmt.Errorf("%s: the cycle is %s, not awaiting approval", action, status)
		}
		if req.Actor == c.in.StartedBy {
			return fmt.Errorf("%s: four eyes — %s started this cycle and cannot also decide its approval", action, req.Actor)
		}
	default:
		return fmt.Errorf("unknown action %q", action)
	}
	return nil
}

// apply records the accepted action and hands it to the waiting step.
func (c *cycle) apply(ctx workflow.Context, action string, req ActionRequest) (ActionResult, error) {
	if err := c.check(action, req); err != nil {
		return ActionResult{}, err
	}
	c.deciding = true
	d := decision{action: action, actor: req.Actor, reason: req.Reason}
	step := c.running
	if c.status.Blocked != nil {
		step = c.status.Blocked.Step
	}
	err := c.logAction(ctx, d, step)
	c.deciding = false
	if err != nil {
		return ActionResult{}, err
	}
	c.pending = &d
	if c.abortPending() {
		c.interrupt()
	}
	return ActionResult{Action: action, Episode: c.status.Episode, Status: c.status.Status}, nil
}

// logAction adds the action to the query state and the event log.
func (c *cycle) logAction(ctx workflow.Context, d decision, step string) error {
	c.status.Actions = append(c.status.Actions, ActionRecord{Action: d.action, Actor: d.actor, Reason: d.reason,
		Step: step, Episode: c.status.Episode, Recorded: workflow.Now(ctx)})
	return c.record(ctx, event{kind: lifecycle.ActionEvent(d.action), step: step, actor: d.actor,
		payload: map[string]any{"reason": d.reason, "episode": c.status.Episode}})
}

// checkAbort says whether the cycle may be aborted now: while blocked
// (unless it is already undoing), awaiting approval, or — in runs that
// can cancel a step — running any step but the last.
func (c *cycle) checkAbort() error {
	status, b := c.status.Status, c.status.Blocked
	switch {
	case status == lifecycle.StatusBlocked && !b.CanAbort:
		return fmt.Errorf("abort: the cycle is already aborting; retry or skip %s", b.Step)
	case status == lifecycle.StatusBlocked, status == lifecycle.StatusAwaitingApproval:
		return nil
	case status == lifecycle.StatusRunning && c.features.abortRunning:
		if c.running == lifecycle.StepClose || c.stepState(lifecycle.StepClose).Status == lifecycle.StepDone {
			return fmt.Errorf("abort: the cycle is closing: it is posted and published; correct it with a revision")
		}
		return nil
	case c.features.abortRunning:
		return fmt.Errorf("abort: the cycle is %s; only a running or blocked cycle, or one awaiting approval, can be aborted", status)
	}
	return fmt.Errorf("abort: the cycle is %s; only a blocked cycle or one awaiting approval can be aborted", status)
}

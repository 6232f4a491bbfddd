package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/scope"
)

// stepOptions are the activity options of one step (or scope.StepUndo):
// the scope's policy for it as frozen at open — the built-in one before
// that, and in cycles opened before policies were frozen — with the
// tuning's overrides. Options are not part of what replay compares, so a
// running cycle picks up a new worker's defaults for the steps still ahead.
func (c *cycle) stepOptions(ctx workflow.Context, step string) workflow.Context {
	p := c.policies.Step(step)
	if step == scope.StepUndo && !c.features.operatorActions {
		p.Attempts = 0 // runs before operator actions retry an undo until it succeeds
	}
	return c.in.Tuning.options(ctx, step, p, c.features.abortRunning)
}

// options retry transient failures with backoff and give up at once on
// bad data, which no retry can fix; an undo retries every failure. Every
// activity heartbeats (activities.Heartbeats), so a dead worker is noticed
// within the heartbeat timeout. When the step may be cancelled by an abort,
// the cancellation waits for the activity to stop, so nothing it does
// lands after the undo.
func (t Tuning) options(ctx workflow.Context, step string, p scope.StepPolicy, cancellable bool) workflow.Context {
	p = t.apply(step, p)
	retry := &temporal.RetryPolicy{InitialInterval: p.FirstRetry, BackoffCoefficient: 2, MaximumInterval: p.MaxRetry,
		MaximumAttempts: int32(p.Attempts)}
	if step != scope.StepUndo {
		retry.NonRetryableErrorTypes = []string{activities.ErrBadData}
	}
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: p.Timeout,
		HeartbeatTimeout:    p.Heartbeat,
		WaitForCancellation: cancellable,
		RetryPolicy:         retry,
	})
}

// apply overrides a policy with the tuning's non-zero fields. A pull keeps
// its own timeout, and only the pull takes PullHeartbeat.
func (t Tuning) apply(step string, p scope.StepPolicy) scope.StepPolicy {
	if t.MaxAttempts > 0 && p.Attempts > 0 {
		p.Attempts = int(t.MaxAttempts)
		if step == scope.StepUndo {
			p.Attempts *= 2
		}
	}
	if t.RetryInterval > 0 {
		p.FirstRetry = t.RetryInterval
		p.MaxRetry = max(p.MaxRetry, p.FirstRetry)
	}
	if t.ActivityDeadline > 0 && step != lifecycle.StepPull {
		p.Timeout = t.ActivityDeadline
	}
	if t.PullHeartbeat > 0 && step == lifecycle.StepPull {
		p.Heartbeat = t.PullHeartbeat
	}
	p.Heartbeat = min(p.Heartbeat, p.Timeout)
	return p
}

// alertOptions keep trying a webhook for a while; an alert that cannot be
// delivered must not hold up the cycle.
func (t Tuning) alertOptions(ctx workflow.Context) workflow.Context {
	interval := time.Second
	if t.RetryInterval > 0 {
		interval = t.RetryInterval
	}
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		HeartbeatTimeout:    30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        interval,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			MaximumAttempts:        10,
			NonRetryableErrorTypes: []string{activities.ErrBadData},
		},
	})
}

func (t Tuning) autoAbortAfter(scopeDefault time.Duration) time.Duration {
	if t.AutoAbortAfter > 0 {
		return t.AutoAbortAfter
	}
	if scopeDefault > 0 {
		return scopeDefault
	}
	return 24 * time.Hour
}

// eventOptions are for the local activity that appends to the event log.
// It keeps trying through a database outage of several minutes, so a
// restart does not fail the step whose event it records.
func eventOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: 10 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Second,
		},
	})
}

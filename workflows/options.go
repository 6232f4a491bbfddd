package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
)

func (t Tuning) attempts() int32 {
	if t.MaxAttempts > 0 {
		return t.MaxAttempts
	}
	return 5
}

func (t Tuning) interval() time.Duration {
	if t.RetryInterval > 0 {
		return t.RetryInterval
	}
	return time.Second
}

func (t Tuning) heartbeat() time.Duration {
	if t.PullHeartbeat > 0 {
		return t.PullHeartbeat
	}
	return 30 * time.Second
}

func (t Tuning) deadline() time.Duration {
	if t.ActivityDeadline > 0 {
		return t.ActivityDeadline
	}
	return 10 * time.Minute
}

// stepOptions retry transient failures with backoff and give up at once on
// bad data, which no retry can fix.
func (t Tuning) stepOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: t.deadline(),
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        t.interval(),
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			MaximumAttempts:        t.attempts(),
			NonRetryableErrorTypes: []string{activities.ErrBadData},
		},
	})
}

// longOptions are for steps that work through a cycle's records and
// heartbeat on a timer while they do: a dead worker is noticed within the
// heartbeat timeout, not at the deadline.
func (t Tuning) longOptions(ctx workflow.Context) workflow.Context {
	ctx = t.stepOptions(ctx)
	opts := workflow.GetActivityOptions(ctx)
	opts.HeartbeatTimeout = t.heartbeat()
	return workflow.WithActivityOptions(ctx, opts)
}

// pullOptions give a slice time to page through a large source; it
// heartbeats its cursor, so a dead worker's slice is retried within the
// heartbeat timeout, resuming after the last committed page.
func (t Tuning) pullOptions(ctx workflow.Context) workflow.Context {
	ctx = t.longOptions(ctx)
	opts := workflow.GetActivityOptions(ctx)
	opts.StartToCloseTimeout = 2 * time.Hour
	return workflow.WithActivityOptions(ctx, opts)
}

// compensationOptions retry an undo with backoff. Limited, an undo that
// keeps failing returns so the cycle can block for an operator; unlimited
// (runs before operator actions existed) it retries until it succeeds.
func (t Tuning) compensationOptions(ctx workflow.Context, limited bool) workflow.Context {
	var attempts int32
	if limited {
		attempts = t.attempts() * 2
	}
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: t.deadline(),
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    t.interval(),
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
			MaximumAttempts:    attempts,
		},
	})
}

// alertOptions keep trying a webhook for a while; an alert that cannot be
// delivered must not hold up the cycle.
func (t Tuning) alertOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        t.interval(),
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
func eventOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Second,
		},
	})
}

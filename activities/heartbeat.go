package activities

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
)

// heartbeat keeps a long activity's heartbeat going on a timer, so a slow
// page or a long SQL statement does not look like a dead worker, and
// carries the latest details given to it, so a retried attempt resumes
// from what was last committed.
type heartbeat struct {
	mu      sync.Mutex
	details any
	stop    chan struct{}
	done    chan struct{}
}

// heartbeatEvery is how often a running activity reports, well inside any
// heartbeat timeout settleflow sets.
func heartbeatEvery(ctx context.Context) time.Duration {
	d := activity.GetInfo(ctx).HeartbeatTimeout / 3
	if d <= 0 || d > 10*time.Second {
		d = 10 * time.Second
	}
	return d
}

// startHeartbeat heartbeats details now and every heartbeatEvery after,
// until end is called. Outside an activity (a test calling the method
// directly) there is nobody to tell, and it does nothing.
func startHeartbeat(ctx context.Context, details any) *heartbeat {
	h := &heartbeat{details: details, stop: make(chan struct{}), done: make(chan struct{})}
	if !activity.IsActivity(ctx) {
		close(h.done)
		return h
	}
	send(ctx, details)
	go h.run(ctx, heartbeatEvery(ctx))
	return h
}

// send heartbeats, with the details when there are any.
func send(ctx context.Context, details any) {
	if details == nil {
		activity.RecordHeartbeat(ctx)
		return
	}
	activity.RecordHeartbeat(ctx, details)
}

func (h *heartbeat) run(ctx context.Context, every time.Duration) {
	defer close(h.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-ctx.Done():
			return
		case <-t.C:
			h.mu.Lock()
			d := h.details
			h.mu.Unlock()
			send(ctx, d)
		}
	}
}

// record replaces the details and heartbeats them at once.
func (h *heartbeat) record(ctx context.Context, details any) {
	h.mu.Lock()
	h.details = details
	h.mu.Unlock()
	if activity.IsActivity(ctx) {
		send(ctx, details)
	}
}

func (h *heartbeat) end() {
	select {
	case <-h.done:
	default:
		close(h.stop)
		<-h.done
	}
}

// whileHeartbeating runs fn with the heartbeat going, for activities whose
// work is one long statement.
func whileHeartbeating[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	h := startHeartbeat(ctx, nil)
	defer h.end()
	return fn()
}

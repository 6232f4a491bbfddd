package activities

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
)

// Heartbeats is the worker interceptor that keeps the heartbeat of every
// activity given a heartbeat timeout going on a timer, for as long as the
// activity runs: a slow page or a long SQL statement does not look like a
// dead worker, a worker that does die is noticed within the timeout
// whatever step it was in, and a cancelled cycle reaches its running
// activity with the heartbeat's answer. An activity with progress to
// resume from hands it to the heartbeat with progress.
type Heartbeats struct {
	interceptor.WorkerInterceptorBase
}

// InterceptActivity implements interceptor.WorkerInterceptor.
func (*Heartbeats) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	i := &heartbeatInbound{}
	i.Next = next
	return i
}

type heartbeatInbound struct {
	interceptor.ActivityInboundInterceptorBase
}

func (i *heartbeatInbound) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	if activity.GetInfo(ctx).HeartbeatTimeout <= 0 {
		return i.Next.ExecuteActivity(ctx, in) // local activities, and runs recorded before heartbeats
	}
	h := &heartbeat{stop: make(chan struct{}), done: make(chan struct{})}
	go h.run(ctx, heartbeatEvery(ctx))
	defer h.end()
	return i.Next.ExecuteActivity(context.WithValue(ctx, heartbeatKey{}, h), in)
}

type heartbeatKey struct{}

// heartbeat is one running activity's heartbeat: it beats on a timer,
// carrying the latest progress the activity handed it, so a retried
// attempt resumes from what was last committed.
type heartbeat struct {
	mu      sync.Mutex
	details any
	stop    chan struct{}
	done    chan struct{}
}

// heartbeatEvery is how often a running activity reports, well inside its
// heartbeat timeout.
func heartbeatEvery(ctx context.Context) time.Duration {
	d := activity.GetInfo(ctx).HeartbeatTimeout / 3
	if d <= 0 || d > 10*time.Second {
		d = 10 * time.Second
	}
	return d
}

// progress hands the activity's progress to its heartbeat, which sends it
// at once. Outside a heartbeating activity (a test calling the method
// directly) there is nobody to tell, and it does nothing.
func progress(ctx context.Context, details any) {
	h, ok := ctx.Value(heartbeatKey{}).(*heartbeat)
	if !ok {
		return
	}
	h.mu.Lock()
	h.details = details
	h.mu.Unlock()
	send(ctx, details)
}

// send heartbeats, with the details when there are any.
func send(ctx context.Context, details any) {
	if details == nil {
		activity.RecordHeartbeat(ctx)
		return
	}
	activity.RecordHeartbeat(ctx, details)
}

// run beats every interval until end. The first beat waits for the timer
// rather than going out at the start, so an attempt with progress to
// resume from hands it over before a beat without it could replace what
// the server holds.
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

func (h *heartbeat) end() {
	close(h.stop)
	<-h.done
}

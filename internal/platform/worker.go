package platform

import (
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/workflows"
)

// heartbeatThrottle is how often a running activity's heartbeat reaches
// the server at most. The SDK's default, 0.8 × the heartbeat timeout,
// would leave live progress up to 24 s stale; a heartbeat a second or two
// per running slice is no load worth saving.
const heartbeatThrottle = 2 * time.Second

// NewWorker returns a worker on settleflow's task queue with every workflow
// and activity registered. Start it with Start or Run.
func NewWorker(c client.Client, a *activities.Activities) worker.Worker {
	w := worker.New(c, workflows.TaskQueue, worker.Options{MaxHeartbeatThrottleInterval: heartbeatThrottle,
		Interceptors: []interceptor.WorkerInterceptor{&activities.Heartbeats{}}})
	workflows.Register(w, a)
	return w
}

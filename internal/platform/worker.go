package platform

import (
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/workflows"
)

// NewWorker returns a worker on settleflow's task queue with every workflow
// and activity registered. Start it with Start or Run.
func NewWorker(c client.Client, a *activities.Activities) worker.Worker {
	w := worker.New(c, workflows.TaskQueue, worker.Options{})
	workflows.Register(w, a)
	return w
}

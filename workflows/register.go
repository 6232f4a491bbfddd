package workflows

import (
	"go.temporal.io/sdk/worker"

	"github.com/settleflow/settleflow/activities"
)

// Register adds settleflow's workflows and activities to a worker.
func Register(w worker.Registry, a *activities.Activities) {
	w.RegisterWorkflow(SettlementCycle)
	w.RegisterWorkflow(PullSource)
	w.RegisterWorkflow(ScheduledCycle)
	w.RegisterWorkflow(RetentionPurge)
	w.RegisterActivity(a)
}

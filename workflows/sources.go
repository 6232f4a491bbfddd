package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/scope"
)

func (c *cycle) unpulledSources() []activities.SourceRef {
	var out []activities.SourceRef
	for _, s := range c.sources {
		if !c.pulled[s.Name] {
			out = append(out, s)
		}
	}
	return out
}

func (c *cycle) markPulled(name string) {
	if c.pulled == nil {
		c.pulled = map[string]bool{}
	}
	c.pulled[name] = true
}

// failedSourcesOptional says whether an operator may skip the failed pull:
// only when every source that failed is marked optional.
func (c *cycle) failedSourcesOptional() bool {
	if len(c.failedSources) == 0 {
		return false
	}
	for _, s := range c.failedSources {
		if !s.Optional {
			return false
		}
	}
	return true
}

// skipFailedSources settles without the failed optional sources: whatever
// they staged before failing is discarded so it cannot count.
func (c *cycle) skipFailedSources(ctx workflow.Context) error {
	for _, s := range c.failedSources {
		err := workflow.ExecuteActivity(c.stepOptions(ctx, scope.StepUndo), acts.DiscardStaging,
			activities.CompensateInput{CycleID: c.id, Source: s.Name, Reason: "source skipped by operator"}).Get(ctx, nil)
		if err != nil {
			return err
		}
		c.markPulled(s.Name)
		c.count(lifecycle.StepPull, "skipped_sources", 1)
	}
	c.failedSources = nil
	return nil
}

package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/scope"
)

// fallbackUse is a failed source the cycle settles from its fallback, and
// who decided it.
type fallbackUse struct {
	mode, actor, reason string
}

// fallbackReady says whether a source that failed can fall back now: it
// names a fallback, and the fallback's own pull succeeded in this cycle.
func (c *cycle) fallbackReady(src activities.SourceRef) error {
	switch {
	case src.Fallback == "":
		return fmt.Errorf("source %s names no fallback", src.Name)
	case !c.pulled[src.Fallback]:
		return fmt.Errorf("the fallback of %s, %s, has not been pulled (it failed too): retry first", src.Name, src.Fallback)
	}
	return nil
}

// checkFallback says whether an operator may choose the fallback: the
// cycle is blocked on its pull and at least one failed source can fall
// back now.
func (c *cycle) checkFallback(b *Blocked) error {
	if b.Step != lifecycle.StepPull {
		return fmt.Errorf("fallback: only a failed pull can fall back; the cycle is blocked on %s", b.Step)
	}
	var why []string
	for _, src := range c.failedSources {
		err := c.fallbackReady(src)
		if err == nil {
			return nil
		}
		why = append(why, err.Error())
	}
	return fmt.Errorf("fallback: %s", strings.Join(why, "; "))
}

// chooseFallback settles every failed source that can fall back from its
// fallback, as the operator decided; the step then runs again, pulling any
// other failed source as a retry would.
func (c *cycle) chooseFallback(d decision) {
	for _, src := range c.failedSources {
		if c.fallbackReady(src) == nil {
			c.useFallback(src.Name, fallbackUse{mode: scope.FallbackManual, actor: d.actor, reason: d.reason})
		}
	}
}

// fallBackAutomatically switches a source whose pull failed to its
// fallback at once when its scope says fallback_mode: auto and the
// fallback was pulled, and reports whether it did.
func (c *cycle) fallBackAutomatically(src activities.SourceRef, cause error) bool {
	if src.FallbackMode != scope.FallbackAuto || c.fallbackReady(src) != nil {
		return false
	}
	c.useFallback(src.Name, fallbackUse{mode: scope.FallbackAuto, actor: "settleflow",
		reason: fmt.Sprintf("pull failed: %v", cause)})
	return true
}

func (c *cycle) useFallback(source string, u fallbackUse) {
	if c.fallbacks == nil {
		c.fallbacks = map[string]fallbackUse{}
	}
	c.fallbacks[source] = u
}

// pullFromFallback stages the fallback's records in for src and records
// the switch in the query state and the event log.
func (c *cycle) pullFromFallback(ctx workflow.Context, src activities.SourceRef) (activities.PullResult, error) {
	var res activities.PullResult
	if workflow.GetVersion(ctx, changeSourceFallback, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return res, fmt.Errorf("source %s: this run predates fallbacks", src.Name)
	}
	if err := c.fallbackReady(src); err != nil {
		return res, err
	}
	u := c.fallbacks[src.Name]
	err := workflow.ExecuteActivity(c.stepOptions(ctx, lifecycle.StepPull), acts.Fallback, activities.FallbackInput{
		CycleID: c.id, Scope: c.in.Scope, Source: src.Name, Fallback: src.Fallback, Mode: u.mode, Actor: u.actor, Reason: u.reason,
	}).Get(ctx, &res)
	if err != nil {
		return res, err
	}
	c.status.Fallbacks = append(c.status.Fallbacks, FallbackUse{Source: src.Name, Fallback: src.Fallback, Mode: u.mode,
		Actor: u.actor, Reason: u.reason, Records: res.Progress.Inserted})
	c.count(lifecycle.StepPull, "fallback_sources", 1)
	return res, c.record(ctx, event{kind: lifecycle.EventSourceFallback, step: lifecycle.StepPull, actor: u.actor, payload: map[string]any{
		"source": src.Name, "fallback": src.Fallback, "mode": u.mode, "reason": u.reason, "records": res.Progress.Inserted,
	}})
}

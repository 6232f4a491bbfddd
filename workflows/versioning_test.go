package workflows

import (
	"strings"
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

// swapValidateAndSplit is a change in the order of steps, the kind of edit
// that breaks every run recorded before it.
func swapValidateAndSplit(steps []step) []step {
	out := append([]step(nil), steps...)
	for i := range out {
		if out[i].name == lifecycle.StepValidate && i+1 < len(out) && out[i+1].name == lifecycle.StepSplit {
			out[i], out[i+1] = out[i+1], out[i]
		}
	}
	return out
}

func unguardedReorder(ctx workflow.Context, in CycleInput) (CycleResult, error) {
	return runSaga(ctx, in, func(_ workflow.Context, c *cycle) []step { return swapValidateAndSplit(c.steps()) })
}

func guardedReorder(ctx workflow.Context, in CycleInput) (CycleResult, error) {
	return runSaga(ctx, in, func(ctx workflow.Context, c *cycle) []step {
		if workflow.GetVersion(ctx, "split-before-validate", workflow.DefaultVersion, 1) == 1 {
			return swapValidateAndSplit(c.steps())
		}
		return c.steps()
	})
}

func replayAs(t *testing.T, fn func(workflow.Context, CycleInput) (CycleResult, error), file string) error {
	t.Helper()
	h := readGoldenHistory(t, file)
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(fn, workflow.RegisterOptions{Name: "SettlementCycle"})
	r.RegisterWorkflow(PullSource)
	return replayWith(r, h)
}

// An unguarded reorder of steps fails replay of a recorded cycle; the same
// reorder behind workflow.GetVersion replays it (old runs keep the old
// order, new runs get the new one).
func TestUnguardedReorderFailsReplayGuardedPasses(t *testing.T) {
	golden := "testdata/cycle-completed-v2.json"
	err := replayAs(t, unguardedReorder, golden)
	if err == nil || !strings.Contains(err.Error(), "nondeterministic") {
		t.Fatalf("unguarded reorder replayed with %v, want a nondeterminism error", err)
	}
	if err := replayAs(t, guardedReorder, golden); err != nil {
		t.Fatalf("guarded reorder failed replay: %v", err)
	}
}

package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

// A scope that blocks on open breaks: reconcile fails with the reasons,
// the cycle waits (no skip), and once an operator has resolved the breaks
// a retry runs the step again and the cycle completes.
func TestReconcileGateBlocksUntilRetried(t *testing.T) {
	f := &fakeSteps{gate: 1}
	env := newEnv(t, f)
	var blocked CycleStatus
	env.RegisterDelayedCallback(func() {
		blocked = queryStatus(t, env)
		sendAction(t, env, lifecycle.ActionRetry, "ops", "breaks accepted in bulk", nil)
	}, time.Minute)
	env.ExecuteWorkflow(SettlementCycle, testInput())
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow failed: %v", err)
	}
	b := blocked.Blocked
	if blocked.Status != lifecycle.StatusBlocked || b == nil || b.Step != lifecycle.StepReconcile || b.CanSkip ||
		!strings.Contains(b.Error, "3 discrepancies are open") {
		t.Fatalf("while held: %s %+v", blocked.Status, b)
	}
	st := queryStatus(t, env)
	if rc := st.Steps[3]; st.Status != lifecycle.StatusCompleted || rc.Name != lifecycle.StepReconcile || rc.Attempts != 2 || rc.Counts["matched"] != 4 {
		t.Errorf("final %s, reconcile step %+v", st.Status, rc)
	}
}

package e2e

import (
	"errors"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/testenv"
)

// A worker process killed while publishing — a step that does no paging —
// is noticed within a minute: the step's activity heartbeats, so its
// heartbeat timeout, not the ten-minute deadline, hands the step to
// another worker, and the cycle completes with one statement per partner.
// The step is held in place by a lock the test takes on the statements
// table, so the kill lands inside it.
func TestWorkerKilledMidStepNoticedWithinAMinute(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	cfg := sim.DefaultProviderConfig()
	cfg.RoundsPerDay = 500
	e := newEnv(t, envOptions{sim: cfg, slices: 1, noWorker: true})
	// The application may not lock the books; the server's superuser may.
	lock, err := testenv.Superuser(t, e.dbURL).Pool.Begin(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lock.Rollback(e.ctx) }()
	if _, err := lock.Exec(e.ctx, `LOCK TABLE statements IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	proc := startWorkerProcess(t, bin, e)
	started := e.startCycle(productionTuning)

	// Kill once publish waits on the lock.
	e.waitActivity(started.WorkflowID, "Publish", 1, 2*time.Minute)
	for e.count(`SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
			WHERE d.datname = current_database() AND NOT l.granted`) == 0 {
		time.Sleep(50 * time.Millisecond)
	}
	if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = proc.Wait()
	killed := time.Now()
	e.startWorker()

	e.waitActivity(started.WorkflowID, "Publish", 2, time.Minute)
	t.Logf("publish handed to another worker %v after the kill", time.Since(killed).Round(time.Millisecond))
	if err := lock.Commit(e.ctx); err != nil {
		t.Fatal(err)
	}
	res, err := e.waitCycle(started, false)
	if err != nil || res.Status != lifecycle.StatusCompleted {
		t.Fatalf("cycle after the kill: %s %v", res.Status, err)
	}
	if n := e.count(`SELECT count(*) FROM statements WHERE cycle_id = $1`, e.cycleID(res)); n != 1 || len(res.Statements) != 1 {
		t.Errorf("%d statements stored, %d published; want one", n, len(res.Statements))
	}
}

// waitActivity waits until the workflow's pending activity of type name
// runs its attempt-th attempt, failing the test after within.
func (e *env) waitActivity(workflowID, name string, attempt int32, within time.Duration) {
	e.t.Helper()
	deadline := time.Now().Add(within)
	for !e.activityRunning(workflowID, name, attempt) {
		if time.Now().After(deadline) {
			e.t.Fatalf("%s did not start attempt %d within %s", name, attempt, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// activityRunning tells whether the workflow has a pending activity of
// type name started at its attempt-th attempt or later; a workflow not
// started yet (a child) has none.
func (e *env) activityRunning(workflowID, name string, attempt int32) bool {
	e.t.Helper()
	desc, err := e.client.DescribeWorkflowExecution(e.ctx, workflowID, "")
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return false
	}
	if err != nil {
		e.t.Fatal(err)
	}
	for _, pa := range desc.GetPendingActivities() {
		if pa.GetActivityType().GetName() == name && pa.GetAttempt() >= attempt &&
			pa.GetState() == enumspb.PENDING_ACTIVITY_STATE_STARTED {
			return true
		}
	}
	return false
}

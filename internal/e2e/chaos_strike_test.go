package e2e

import (
	"context"
	"log/slog"
	"net/url"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/settleflow/settleflow/internal/devserver"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/testenv"
)

// heldTables are, per step, a table the step writes and no earlier step
// touches: a lock on it holds the step in place, inside its transaction,
// for as long as a fault needs to strike there. The pull needs none: it
// is slow enough by itself.
var heldTables = map[string]string{
	lifecycle.StepValidate:  "cycle_totals",
	lifecycle.StepReconcile: "recon_tallies",
	lifecycle.StepSplit:     "settlement_lines",
	lifecycle.StepPost:      "journal_entries",
	lifecycle.StepPublish:   "statements",
}

// stepActivities are the activity types the steps run.
var stepActivities = map[string]string{
	lifecycle.StepPull:      "PullSlice",
	lifecycle.StepValidate:  "Validate",
	lifecycle.StepReconcile: "Reconcile",
	lifecycle.StepSplit:     "Split",
	lifecycle.StepPost:      "Post",
	lifecycle.StepPublish:   "Publish",
}

// strike is one run's fault: what is set up before the cycle starts (the
// worker process, a proxy in front of Postgres, a lock holding the step)
// and the blow itself.
type strike struct {
	t      *testing.T
	e      *env
	run    chaosRun
	bin    string
	worker workerProcess
	proc   *exec.Cmd
	proxy  *testenv.Proxy
	lock   pgx.Tx // held on the step's table until the fault has struck
}

func newStrike(t *testing.T, e *env, bin string, run chaosRun, configDir string) *strike {
	t.Helper()
	s := &strike{t: t, e: e, run: run, bin: bin, worker: workerProcess{configDir: configDir}}
	if run.Fault == faultCutPostgres {
		u, err := url.Parse(e.dbURL)
		if err != nil {
			t.Fatal(err)
		}
		s.proxy = testenv.NewProxy(t, u.Host)
		s.worker.databaseURL = viaProxy(t, e.dbURL, s.proxy.Addr)
	}
	if table := heldTables[run.Step]; table != "" {
		s.lock = holdTable(t, e, table)
	}
	s.proc = startWorkerProcessWith(t, bin, e, s.worker)
	return s
}

// holdTable locks table against every reader and writer until the
// returned transaction ends. The application role may not lock the
// books; the server's superuser may.
func holdTable(t *testing.T, e *env, table string) pgx.Tx {
	t.Helper()
	tx, err := testenv.Superuser(t, e.dbURL).Pool.Begin(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback(context.Background()) }) // gone already after a restart
	if _, err := tx.Exec(e.ctx, `LOCK TABLE `+pgx.Identifier{table}.Sanitize()+` IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	return tx
}

// strike waits until the run's step is under way, lets its offset pass,
// strikes, and returns where the blow landed: the step, or "after pull"
// if the pull ended first.
func (s *strike) strike(started platform.Started) string {
	s.t.Helper()
	landed := s.waitStep(started)
	switch s.run.Fault {
	case faultKill:
		s.kill()
	case faultRestartTemporal:
		if err := s.e.server.Restart(s.e.ctx, s.run.Down); err != nil {
			s.t.Fatal(err)
		}
	case faultCutPostgres:
		s.proxy.Cut()
		time.Sleep(s.run.Down)
		s.proxy.Restore(s.t)
	case faultRestartPostgres:
		restartCluster(s.t, s.e.dbURL, s.run.Down)
	}
	if s.lock != nil {
		_ = s.lock.Commit(context.Background()) // after a Postgres restart, already gone
	}
	return landed
}

// kill ends the worker process with SIGKILL and starts another in its
// place, as a supervisor would.
func (s *strike) kill() {
	if err := s.proc.Process.Signal(syscall.SIGKILL); err != nil {
		s.t.Fatal(err)
	}
	_ = s.proc.Wait()
	if ws, ok := s.proc.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		s.t.Fatalf("worker process ended with %v, want killed", s.proc.ProcessState)
	}
	s.proc = startWorkerProcessWith(s.t, s.bin, s.e, s.worker)
}

// waitStep returns once the step's activity runs (held on its table's
// lock, or pulling the aggregator's feed) and the offset has passed.
func (s *strike) waitStep(started platform.Started) string {
	s.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	owner := started.WorkflowID
	if s.run.Step == lifecycle.StepPull {
		owner += "/pull/aggregator" // the child that pulls the slow feed (workflows/cycle.go)
	}
	for !s.running(owner) {
		if time.Now().After(deadline) {
			s.t.Fatalf("%s did not get under way within two minutes", s.run.Step)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if table := heldTables[s.run.Step]; table != "" {
		for s.e.count(`SELECT count(*) FROM pg_locks WHERE relation = $1::regclass AND NOT granted`, table) == 0 {
			if time.Now().After(deadline) {
				s.t.Fatalf("%s never waited on %s", s.run.Step, table)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	time.Sleep(s.run.Offset)
	if s.run.Step == lifecycle.StepPull && !s.running(owner) {
		return "after pull"
	}
	return s.run.Step
}

// running tells whether owner runs the step's activity.
func (s *strike) running(owner string) bool {
	return s.e.activityRunning(owner, stepActivities[s.run.Step], 1)
}

// attempts is the highest attempt the step's activity started, in the
// cycle's history or, for the pull, the aggregator's pull's: a kill inside
// the step costs the attempt it struck, so it reads 2 or more.
func (s *strike) attempts(started platform.Started) int32 {
	s.t.Helper()
	owner := started.WorkflowID
	if s.run.Step == lifecycle.StepPull {
		owner += "/pull/aggregator"
	}
	scheduled := map[int64]string{}
	var most int32
	it := s.e.client.GetWorkflowHistory(s.e.ctx, owner, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			s.t.Fatal(err)
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			scheduled[ev.GetEventId()] = a.GetActivityType().GetName()
		}
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && scheduled[a.GetScheduledEventId()] == stepActivities[s.run.Step] {
			most = max(most, a.GetAttempt())
		}
	}
	return most
}

// restartCluster stops the machine's PostgreSQL cluster (fast: every
// session is ended), keeps it down, and starts it again as dev does, which
// is content if something else has started it meanwhile.
func restartCluster(t *testing.T, dbURL string, down time.Duration) {
	t.Helper()
	version, err := devserver.ClusterVersion()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute+down)
	defer cancel()
	out, err := exec.CommandContext(ctx, "pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "stop", "-m", "fast").CombinedOutput()
	if err != nil {
		t.Fatalf("pg_ctlcluster stop: %v\n%s", err, out)
	}
	time.Sleep(down)
	if err := devserver.EnsurePostgres(ctx, dbURL, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
}

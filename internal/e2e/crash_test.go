package e2e

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/converter"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/examples/config"
	"github.com/settleflow/settleflow/internal/audit"
	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/scope"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/testenv"
)

// A worker process killed in the middle of a pull: another worker takes the
// pull over once its heartbeat times out and resumes from the heartbeated
// cursor, and the cycle ends exactly as an uninterrupted one does.
func TestWorkerKilledMidPullResumes(t *testing.T) {
	t.Parallel()
	began := time.Now()
	bin := buildBinary(t)
	t.Logf("built cmd/settleflow in %v", time.Since(began).Round(time.Millisecond))

	cfg := sim.DefaultProviderConfig()
	cfg.Seed = 13
	cfg.RoundsPerDay = 7000 // ~10,000 records: 20 pages at the scope's page_size of 500
	cfg.Faults.InvalidEvery = 700
	x := expect(t, cfg, periodFrom, periodTo)

	// The reference: the same feed settled without interruption, in a
	// namespace and database of its own.
	ref := newEnv(t, envOptions{sim: cfg, slices: 1})
	began = time.Now()
	_, want := ref.completeCycle(testTuning)
	requireSettlement(t, ref, want, x)
	t.Logf("uninterrupted cycle took %v", time.Since(began).Round(time.Millisecond))

	slow := cfg
	slow.Faults.PageDelay = 200 * time.Millisecond
	e := newEnv(t, envOptions{sim: slow, slices: 1, noWorker: true})
	totalPages := pages(x.records, e.source.PageSize)
	if totalPages < 12 {
		t.Fatalf("%d pages: too few to kill the worker mid-pull", totalPages)
	}
	proc := startWorkerProcess(t, bin, e)

	tuning := testTuning
	tuning.MaxAttempts = 5
	tuning.PullHeartbeat = 2 * time.Second
	started := e.startCycle(tuning)

	// Kill once the server holds a heartbeat a few pages in and some, not
	// all, records are staged.
	beat, stagedAtKill := waitMidPull(t, e, started.WorkflowID, x.staged)
	if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = proc.Wait()
	if ws, ok := proc.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("worker process ended with %v, want killed", proc.ProcessState)
	}
	pagesAtKill := e.sim.Stats().Pages
	t.Logf("killed the worker after %d of %d pages served; server heartbeat at page %d; %d of %d rows staged",
		pagesAtKill, totalPages, beat.Pages, stagedAtKill, x.staged)

	killed := time.Now()
	e.startWorker()
	got, err := e.waitCycle(started, false)
	if err != nil {
		t.Fatalf("cycle after the crash: %v", err)
	}
	t.Logf("a new worker completed the cycle %v after the kill", time.Since(killed).Round(time.Millisecond))
	if got.Status != lifecycle.StatusCompleted {
		t.Fatalf("cycle after the crash: status %s", got.Status)
	}
	id := e.cycleID(got)

	// It resumed: the new attempt started from the heartbeated cursor, so it
	// fetched at most the pages after the heartbeat (one more if a page was
	// in flight at the kill), never the whole feed again.
	if len(got.Pulls) != 1 || !got.Pulls[0].Resumed {
		t.Fatalf("pull %+v did not resume from its heartbeat", got.Pulls)
	}
	refetched := int(e.sim.Stats().Pages - pagesAtKill)
	if refetched > totalPages-beat.Pages+1 || refetched >= totalPages {
		t.Errorf("after the kill the feed served %d pages; resuming at page %d of %d needs at most %d",
			refetched, beat.Pages, totalPages, totalPages-beat.Pages+1)
	}
	p := got.Pulls[0].Progress
	if p.Pages != totalPages || p.Received != x.records-int(x.formatRejects) || p.Rejects != int(x.formatRejects) ||
		p.Inserted+p.Duplicates != p.Received || p.Conflicts != 0 {
		t.Errorf("pull progress %+v; want %d pages, %d received once, %d rejects", p, totalPages,
			x.records-int(x.formatRejects), x.formatRejects)
	}

	// Nothing twice: staging, quarantine, the journal and the cycle itself.
	staged := e.count(`SELECT count(*) FROM staged_records WHERE cycle_id = $1`, id)
	distinct := e.count(`SELECT count(DISTINCT external_id) FROM staged_records WHERE cycle_id = $1`, id)
	if staged != distinct || staged != x.staged {
		t.Errorf("%d staged rows, %d distinct ids; want %d of each", staged, distinct, x.staged)
	}
	if n := e.count(`SELECT count(*) FROM quarantine WHERE cycle_id = $1`, id); n != x.rejected+x.formatRejects {
		t.Errorf("%d quarantined, want %d", n, x.rejected+x.formatRejects)
	}
	if n := e.entries(id); n["settlement"] != 1 || n["reversal"] != 0 {
		t.Errorf("journal entries %v, want exactly one settlement", n)
	}
	if n := e.count(`SELECT count(*) FROM cycles`); n != 1 {
		t.Errorf("%d cycle rows, want 1", n)
	}
	e.requireStatusRow(id, lifecycle.StatusCompleted)
	kinds := e.eventKinds(id)
	if n := len(slices.DeleteFunc(slices.Clone(kinds), func(k string) bool { return k != "step.completed:pull" })); n != 1 {
		t.Errorf("pull completed %d times in the event log", n)
	}

	// The same outcome as the uninterrupted run, and as computed.
	requireSettlement(t, e, got, x)
	requirePublished(t, e, got, x)
	if !sameValidation(got.Validation, want.Validation) {
		t.Errorf("validation %+v, uninterrupted %+v", got.Validation, want.Validation)
	}
	if !slices.Equal(got.Shares, want.Shares) {
		t.Errorf("shares %+v, uninterrupted %+v", got.Shares, want.Shares)
	}
	if gotLines, wantLines := journal(t, e, id), journal(t, ref, ref.cycleID(want)); !slices.Equal(gotLines, wantLines) {
		t.Errorf("journal lines %v, uninterrupted %v", gotLines, wantLines)
	}
}

// sameValidation compares validation results, whose ByReason map rules
// out ==.
func sameValidation(a, b activities.ValidateResult) bool {
	if len(a.ByReason) != len(b.ByReason) {
		return false
	}
	for k, v := range a.ByReason {
		if b.ByReason[k] != v {
			return false
		}
	}
	a.ByReason, b.ByReason = nil, nil
	return a.Staged == b.Staged && a.Accepted == b.Accepted && a.Rejected == b.Rejected &&
		a.FormatRejects == b.FormatRejects && a.Conflicts == b.Conflicts
}

// journal lists a cycle's journal lines in a stable order.
func journal(t *testing.T, e *env, cycleID uuid.UUID) []ledger.Line {
	t.Helper()
	lines, err := e.store.CycleLines(e.ctx, cycleID)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(lines, func(a, b ledger.Line) int {
		return strings.Compare(a.Account+" "+a.Currency, b.Account+" "+b.Currency)
	})
	return lines
}

// waitMidPull polls the pull's child workflow and the database until the
// server has a heartbeat at least three pages in and some but not all of
// the want rows are staged. It fails if the pull finishes first.
func waitMidPull(t *testing.T, e *env, cycleWorkflowID string, want int64) (activities.SliceProgress, int64) {
	t.Helper()
	pullID := cycleWorkflowID + "/pull/aggregator" // the child's ID (workflows/cycle.go)
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		time.Sleep(25 * time.Millisecond)
		desc, err := e.client.DescribeWorkflowExecution(e.ctx, pullID, "")
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			continue // not started yet
		}
		if err != nil {
			t.Fatal(err)
		}
		if desc.GetWorkflowExecutionInfo().GetCloseTime() != nil {
			t.Fatal("the pull finished before the worker could be killed; slow the simulator down")
		}
		var beat activities.SliceProgress
		for _, pa := range desc.GetPendingActivities() {
			if pa.GetActivityType().GetName() == "PullSlice" && pa.GetHeartbeatDetails() != nil {
				if err := converter.GetDefaultDataConverter().FromPayloads(pa.GetHeartbeatDetails(), &beat); err != nil {
					t.Fatal(err)
				}
			}
		}
		staged := e.count(`SELECT count(*) FROM staged_records`)
		if beat.Pages >= 3 && staged > 0 && staged < want {
			return beat, staged
		}
	}
	t.Fatal("no heartbeat three pages into the pull within a minute")
	return activities.SliceProgress{}, 0
}

// buildBinary builds cmd/settleflow from this module into the test's
// temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		t.Fatal("not inside the settleflow module")
	}
	bin := filepath.Join(t.TempDir(), "settleflow")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/settleflow")
	cmd.Dir = filepath.Dir(gomod)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/settleflow: %v\n%s", err, out)
	}
	return bin
}

// startWorkerProcess runs `settleflow worker` for the test's namespace and
// database, with the source URL pointing at the test's simulator. Only the
// test's settings reach it: every SETTLEFLOW_ variable of the caller's
// environment is left out.
func startWorkerProcess(t *testing.T, bin string, e *env) *exec.Cmd {
	t.Helper()
	return startWorkerProcessWith(t, bin, e, workerProcess{configDir: sourceConfig(t, e.source)})
}

// workerProcess is how a worker process differs from the env's defaults.
type workerProcess struct {
	configDir   string // the catalog it loads
	databaseURL string // empty: the env's database
}

// startWorkerProcessWith runs `settleflow worker` on the env's dev server
// and namespace, with every source URL of the env's rig, and w's catalog
// and database. Its log is shown if the test fails.
func startWorkerProcessWith(t *testing.T, bin string, e *env, w workerProcess) *exec.Cmd {
	t.Helper()
	var environ []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SETTLEFLOW_") {
			environ = append(environ, kv)
		}
	}
	for k, v := range e.rig.Env {
		environ = append(environ, k+"="+v)
	}
	environ = append(environ, audit.EnvKey+"="+testenv.AuditKeySpec)
	dbURL := w.databaseURL
	if dbURL == "" {
		dbURL = e.dbURL
	}
	logPath := filepath.Join(t.TempDir(), "worker.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "worker", "--temporal-address", e.server.Address, "--namespace", e.namespace,
		"--database-url", dbURL, "--log-level", "warn", "--config-dir", w.configDir)
	cmd.Env, cmd.Stdout, cmd.Stderr = environ, logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start worker process: %v", err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		logFile.Close()
		if t.Failed() {
			if log, err := os.ReadFile(logPath); err == nil && len(log) > 0 {
				t.Logf("worker process log:\n%s", log)
			}
		}
	})
	return cmd
}

// sourceConfig writes the embedded configuration with the demo scope's
// source paged and sliced as the rig's catalog has it, so a worker process
// pulls exactly as the rig's in-process workers do.
func sourceConfig(t *testing.T, src scope.Source) string {
	t.Helper()
	scope := testenv.DemoScopeYAMLOf(t, nil) // the aggregator alone, as the rig settles it
	return configDir(t, strings.Replace(scope, "    page_size: 500",
		fmt.Sprintf("    page_size: %d\n    slices: %d", src.PageSize, src.Slices), 1))
}

// configDir writes the embedded configuration into a directory of the
// test's, with the demo scope's file replaced by scopeYAML.
func configDir(t *testing.T, scopeYAML string) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(config.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(config.FS, path)
		if err != nil {
			return err
		}
		if path == "scopes/"+scopeName+".yaml" {
			data = []byte(scopeYAML)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(path)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, path), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

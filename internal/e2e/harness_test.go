package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/scope"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/workflows"
)

const (
	scopeName = "demo-casino"
	period    = "2026-11-01"
	partner   = "acme-games"
)

// The demo scope's daily period 2026-11-01 in Asia/Seoul with a 00:00
// cut-off, written out here rather than derived, so a calendar bug fails.
var (
	periodFrom = time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC)
	periodTo   = time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)
)

// testTuning makes failures surface in seconds instead of minutes.
var testTuning = workflows.Tuning{
	MaxAttempts:      3,
	RetryInterval:    100 * time.Millisecond,
	PullHeartbeat:    5 * time.Second,
	ActivityDeadline: time.Minute,
}

// abortTuning is for cycles meant to fail: a failed step blocks for an
// operator, and with nobody coming the cycle aborts itself after a second
// and compensates.
func abortTuning() workflows.Tuning {
	t := testTuning
	t.MaxAttempts = 2
	t.AutoAbortAfter = time.Second
	return t
}

// env is one test's world: a namespace of its own on the shared dev server
// (so no other test's worker can take its tasks), a fresh database, a
// simulator, and the catalog its worker runs with.
type env struct {
	t         *testing.T
	ctx       context.Context
	client    client.Client
	namespace string
	store     *store.Store
	dbURL     string
	catalog   catalog.Catalog
	source    scope.Source
	simCfg    sim.ProviderConfig
	sim       *sim.ProviderServer
	simURL    string
	rig       *testenv.Rig
	// server is the dev server the env's namespace lives on.
	server *testenv.Temporal
}

type envOptions struct {
	// sim configures the simulator; Token is set to what the source sends
	// unless wrongToken.
	sim        sim.ProviderConfig
	wrongToken bool
	// pageSize overrides the scope's page_size (the limit the adapter
	// sends), when not zero.
	pageSize int
	// slices overrides how many slices the period is pulled in.
	slices int
	// feed wraps the simulator's handler, e.g. to slow it down.
	feed func(http.Handler) http.Handler
	// noWorker leaves starting a worker to the test.
	noWorker bool
	// scopeYAML replaces the demo scope's file.
	scopeYAML string
	// kinds are the demo scope's source kinds to settle; nil: the
	// aggregator alone.
	kinds []string
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	return newEnvOn(t, temporal, o)
}

// newEnvOn is newEnv on the given dev server rather than the package's.
func newEnvOn(t *testing.T, server *testenv.Temporal, o envOptions) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	r := server.NewRig(t, testenv.RigOptions{Sim: o.sim, WrongToken: o.wrongToken, PageSize: o.pageSize,
		Slices: o.slices, NoWorker: o.noWorker, Feed: o.feed, ScopeYAML: o.scopeYAML, Kinds: o.kinds})
	return &env{t: t, ctx: ctx, rig: r, client: r.Client, namespace: r.Namespace, store: r.Store, dbURL: r.DBURL,
		catalog: r.Catalog, source: r.Source(t), simCfg: r.SimConfig, sim: r.Sim, simURL: r.SimURL, server: server}
}

// startWorker runs an in-process worker in the test's namespace.
func (e *env) startWorker() { e.rig.StartWorker(e.t) }

func (e *env) startCycle(tuning workflows.Tuning) platform.Started {
	e.t.Helper()
	started, err := platform.StartCycle(e.ctx, e.client, e.catalog, platform.StartRequest{
		Scope: scopeName, Period: period, StartedBy: "e2e", Tuning: tuning})
	if err != nil {
		e.t.Fatalf("start cycle: %v", err)
	}
	if started.Input.PeriodStart != periodFrom || started.Input.PeriodEnd != periodTo {
		e.t.Fatalf("period %s resolved to [%s, %s), want [%s, %s)", period,
			started.Input.PeriodStart, started.Input.PeriodEnd, periodFrom, periodTo)
	}
	return started
}

// waitCycle waits for the run to end. A cycle that stops to wait for an
// operator would otherwise hang the test until its deadline, so unless the
// test expects a block (and tunes the cycle to abort on its own), a blocked
// cycle fails the test at once with its error; so does an approval gate,
// which none of these cycles should meet.
func (e *env) waitCycle(s platform.Started, expectBlock bool) (workflows.CycleResult, error) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 2*time.Minute)
	defer cancel()
	type outcome struct {
		res workflows.CycleResult
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := platform.WaitCycle(ctx, e.client, s.WorkflowID, s.RunID)
		done <- outcome{res, err}
	}()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case o := <-done:
			return o.res, o.err
		case <-tick.C:
		}
		st, err := platform.QueryCycle(ctx, e.client, s.WorkflowID, s.RunID)
		if err != nil {
			continue // closed runs need a replay; the result is on its way
		}
		switch {
		case st.Status == lifecycle.StatusBlocked && !expectBlock && st.Blocked != nil:
			e.t.Fatalf("cycle blocked at %s: %s", st.Blocked.Step, st.Blocked.Error)
		case st.Status == lifecycle.StatusAwaitingApproval && st.Approval != nil:
			e.t.Fatalf("cycle awaits approval (%v); these tests settle data below every threshold", st.Approval.Reasons)
		}
	}
}

// finalStatus queries a finished run, which a worker answers by replaying
// its history.
func (e *env) finalStatus(s platform.Started) workflows.CycleStatus {
	e.t.Helper()
	st, err := platform.QueryCycle(e.ctx, e.client, s.WorkflowID, s.RunID)
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

func stepState(st workflows.CycleStatus, name string) workflows.StepState {
	for _, s := range st.Steps {
		if s.Name == name {
			return s
		}
	}
	return workflows.StepState{}
}

// completeCycle starts the period, waits, and requires it to complete.
func (e *env) completeCycle(tuning workflows.Tuning) (platform.Started, workflows.CycleResult) {
	e.t.Helper()
	started := e.startCycle(tuning)
	if started.Existing {
		e.t.Fatalf("a fresh namespace already has %s", started.WorkflowID)
	}
	res, err := e.waitCycle(started, false)
	if err != nil {
		e.t.Fatalf("cycle %s failed: %v", started.WorkflowID, err)
	}
	if res.Status != lifecycle.StatusCompleted {
		e.t.Fatalf("cycle %s returned status %q, want completed", started.WorkflowID, res.Status)
	}
	return started, res
}

func (e *env) cycleID(res workflows.CycleResult) uuid.UUID {
	e.t.Helper()
	id, err := uuid.Parse(res.CycleID)
	if err != nil {
		e.t.Fatalf("cycle id %q: %v", res.CycleID, err)
	}
	return id
}

// failedCycle is what is known of a run that failed: Temporal returns no
// result with a workflow error, so the status comes from the query and the
// cycle ID from the run, checked against each other.
func (e *env) failedCycle(s platform.Started) (uuid.UUID, workflows.CycleStatus) {
	e.t.Helper()
	st := e.finalStatus(s)
	id := activities.CycleID(s.WorkflowID, s.RunID)
	if st.CycleID != id.String() {
		e.t.Fatalf("query reports cycle %s, the run's cycle is %s", st.CycleID, id)
	}
	return id, st
}

// count runs a count query.
func (e *env) count(query string, args ...any) int64 {
	e.t.Helper()
	var n int64
	if err := e.store.Pool.QueryRow(e.ctx, query, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// eventKinds lists the cycle's event log, in order, after checking its hash
// chain.
func (e *env) eventKinds(cycleID uuid.UUID) []string {
	e.t.Helper()
	if err := e.store.VerifyEvents(e.ctx, cycleID); err != nil {
		e.t.Fatalf("event log: %v", err)
	}
	events, err := e.store.Events(e.ctx, cycleID)
	if err != nil {
		e.t.Fatal(err)
	}
	kinds := make([]string, len(events))
	for i, ev := range events {
		kinds[i] = ev.Kind
		if ev.Step != "" {
			kinds[i] += ":" + ev.Step
		}
	}
	return kinds
}

// searchStatus reads the run's SettleStatus search attribute, which only
// exists if the namespace has settleflow's search attributes.
func (e *env) searchStatus(s platform.Started) string {
	e.t.Helper()
	desc, err := e.client.DescribeWorkflowExecution(e.ctx, s.WorkflowID, s.RunID)
	if err != nil {
		e.t.Fatal(err)
	}
	p := desc.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()[workflows.StatusAttr.GetName()]
	if p == nil {
		return ""
	}
	var v string
	if err := converter.GetDefaultDataConverter().FromPayload(p, &v); err != nil {
		e.t.Fatal(err)
	}
	return v
}

// balances sums the cycle's journal lines per currency and per account.
func (e *env) balances(cycleID uuid.UUID) (perCurrency map[string]int64, perAccount map[string]int64) {
	e.t.Helper()
	perCurrency, perAccount = map[string]int64{}, map[string]int64{}
	rows, err := e.store.Pool.Query(e.ctx, `SELECT l.account, l.currency, sum(l.amount)::bigint
		FROM journal_lines l JOIN journal_entries j ON j.id = l.entry_id
		WHERE j.cycle_id = $1 GROUP BY l.account, l.currency`, cycleID)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var account, currency string
		var sum int64
		if err := rows.Scan(&account, &currency, &sum); err != nil {
			e.t.Fatal(err)
		}
		perCurrency[currency] += sum
		perAccount[account+" "+currency] = sum
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	return perCurrency, perAccount
}

// entries counts the cycle's journal entries by kind.
func (e *env) entries(cycleID uuid.UUID) map[string]int {
	e.t.Helper()
	n, err := e.store.CycleEntryCount(e.ctx, cycleID)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) requireStatusRow(cycleID uuid.UUID, want string) {
	e.t.Helper()
	c, err := e.store.Cycle(e.ctx, cycleID)
	if err != nil {
		e.t.Fatal(err)
	}
	if c.Status != want {
		e.t.Fatalf("cycle row status %q, want %q", c.Status, want)
	}
}

func requireEvents(t *testing.T, kinds []string, want ...string) {
	t.Helper()
	have := map[string]bool{}
	for _, k := range kinds {
		have[k] = true
	}
	var missing []string
	for _, w := range want {
		if !have[w] {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("event log lacks %s:\n%s", strings.Join(missing, ", "), strings.Join(kinds, "\n"))
	}
}

// indexOf returns the position of the first event of kind, or -1.
func indexOf(kinds []string, kind string) int {
	for i, k := range kinds {
		if k == kind {
			return i
		}
	}
	return -1
}

package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/devserver"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/statement"
	"github.com/settleflow/settleflow/workflows"
)

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// demoFeed is a day of the default simulated operator with a few invalid
// records of every kind. Seed 13 gives the period a positive GGR in every
// currency, one of them (KRW 2,924,196) an exact tie at 12.5%, where half
// to even and half up differ; TestFullCycle checks that stays so.
func demoFeed() sim.ProviderConfig {
	cfg := sim.DefaultProviderConfig()
	cfg.Seed = 13
	cfg.Faults.InvalidEvery = 250
	return cfg
}

// requireSettlement checks a completed cycle's money against the expected
// values computed from the simulator: counts, GGR and fee per currency in
// the result, the stored split and the journal, and books that balance.
func requireSettlement(t *testing.T, e *env, res workflows.CycleResult, x expected) {
	t.Helper()
	id := e.cycleID(res)

	v := res.Validation
	if v.Staged != x.staged || v.Accepted != x.accepted || v.Rejected != x.rejected ||
		v.FormatRejects != x.formatRejects || v.Conflicts != 0 {
		t.Errorf("validation staged/accepted/rejected/format/conflicts = %d/%d/%d/%d/%d, want %d/%d/%d/%d/0",
			v.Staged, v.Accepted, v.Rejected, v.FormatRejects, v.Conflicts, x.staged, x.accepted, x.rejected, x.formatRejects)
	}
	if !maps.Equal(v.ByReason, x.byReason) {
		t.Errorf("rejects by reason %v, want %v", v.ByReason, x.byReason)
	}
	// The database agrees with the summary the workflow carried.
	if n := e.count(`SELECT count(*) FROM staged_records s WHERE cycle_id = $1 AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.cycle_id = s.cycle_id AND q.source = s.source AND q.record_key = s.external_id AND q.stage = 'rules')`, id); n != x.accepted {
		t.Errorf("%d accepted rows, want %d", n, x.accepted)
	}
	if n := e.count(`SELECT count(*) FROM quarantine WHERE cycle_id = $1`, id); n != x.rejected+x.formatRejects {
		t.Errorf("%d quarantined, want %d", n, x.rejected+x.formatRejects)
	}

	// Shares: in the result, in settlement_lines and in the journal.
	if len(res.Shares) != len(x.fee) {
		t.Errorf("%d shares %+v, want one per currency %v", len(res.Shares), res.Shares, currencies(x.fee))
	}
	for _, s := range res.Shares {
		if s.Partner != partner || s.GGR != x.ggr[s.Currency] || s.PartnerAmount != x.fee[s.Currency] ||
			s.OperatorAmount != x.ggr[s.Currency]-x.fee[s.Currency] || s.AgreementVersion != 1 {
			t.Errorf("share %+v, want GGR %d fee %d", s, x.ggr[s.Currency], x.fee[s.Currency])
		}
	}
	lines, err := e.store.SettlementLines(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != len(x.fee) {
		t.Errorf("%d settlement lines, want %d", len(lines), len(x.fee))
	}
	for _, l := range lines {
		if l.GGR != x.ggr[l.Currency] || l.PartnerAmount != x.fee[l.Currency] {
			t.Errorf("stored split %+v, want GGR %d fee %d", l, x.ggr[l.Currency], x.fee[l.Currency])
		}
	}
	perCurrency, perAccount := e.balances(id)
	for _, cur := range currencies(x.ggr) {
		if sum, ok := perCurrency[cur]; !ok || sum != 0 {
			t.Errorf("journal in %s sums to %d (present %v), want 0", cur, sum, ok)
		}
		if got := perAccount["partner:"+partner+":payable "+cur]; got != -x.fee[cur] {
			t.Errorf("%s payable in %s is %d, want the fee %d as a credit", partner, cur, got, -x.fee[cur])
		}
		if got := perAccount["operator:ggr-clearing "+cur]; got != x.ggr[cur] {
			t.Errorf("GGR clearing in %s is %d, want %d", cur, got, x.ggr[cur])
		}
	}
	// Across the whole database too, not only this cycle.
	rows, err := e.store.Pool.Query(e.ctx, `SELECT currency, sum(amount)::bigint FROM journal_lines GROUP BY currency`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var cur string
		var sum int64
		if err := rows.Scan(&cur, &sum); err != nil {
			t.Fatal(err)
		}
		if sum != 0 {
			t.Errorf("books unbalanced in %s by %d", cur, sum)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// requirePublished checks there is one published statement per partner,
// that its hash is the one the cycle reported, and that it is the SHA-256
// of the statement's content as published (JSON, newline, CSV).
func requirePublished(t *testing.T, e *env, res workflows.CycleResult, x expected) {
	t.Helper()
	stored, err := e.store.Statements(e.ctx, e.cycleID(res))
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || len(res.Statements) != 1 {
		t.Fatalf("%d statements stored, %d reported; want one for %s", len(stored), len(res.Statements), partner)
	}
	s, ref := stored[0], res.Statements[0]
	if s.Partner != partner || s.Status != "published" || !hex64.MatchString(s.SHA256) || s.SHA256 != ref.SHA256 || s.ID != ref.ID {
		t.Fatalf("statement %s %s sha %q (reported %q)", s.Partner, s.Status, s.SHA256, ref.SHA256)
	}
	var content statement.Statement
	if err := json.Unmarshal(s.JSON, &content); err != nil {
		t.Fatalf("stored statement JSON: %v", err)
	}
	// The statement names the settlement, the same for every run of this
	// scope, period and revision, not the run's cycle.
	c, err := e.store.Cycle(e.ctx, e.cycleID(res))
	if err != nil {
		t.Fatal(err)
	}
	if content.CycleID != activities.SettlementID(scopeName, periodFrom, periodTo, c.Revision).String() || content.Partner != partner || content.Period != period ||
		!content.PeriodStart.Equal(periodFrom) || !content.PeriodEnd.Equal(periodTo) {
		t.Errorf("statement header %+v", content)
	}
	if len(content.Lines) != len(x.fee) {
		t.Errorf("statement has %d lines, want %d", len(content.Lines), len(x.fee))
	}
	for _, l := range content.Lines {
		if l.GGR != x.ggr[l.Currency] || l.PartnerAmount != x.fee[l.Currency] || l.Explanation == "" {
			t.Errorf("statement line %+v, want GGR %d fee %d", l, x.ggr[l.Currency], x.fee[l.Currency])
		}
	}
	// The stored bytes are the published ones: anyone holding them can
	// check the hash.
	sum := sha256.Sum256(append(append([]byte(s.JSON), '\n'), s.CSV...))
	if got := hex.EncodeToString(sum[:]); got != s.SHA256 {
		t.Errorf("sha256(JSON + \\n + CSV) = %s, stored %s", got, s.SHA256)
	}
}

func TestFullCycle(t *testing.T) {
	t.Parallel()
	cfg := demoFeed()
	e := newEnv(t, envOptions{sim: cfg, slices: 1})
	x := expect(t, cfg, periodFrom, periodTo)
	positive, ties := 0, 0
	for _, ggr := range x.ggr {
		if ggr > 0 {
			positive++
		}
		if ggr%8 == 4 {
			ties++ // ggr × 12.5% ends in exactly .5
		}
	}
	if x.rejected == 0 || x.formatRejects == 0 || len(x.fee) != 3 || positive != 3 || ties == 0 {
		t.Fatalf("the feed should exercise every path: %d rule rejects, %d format rejects, GGR %v (want all positive, one a rounding tie)",
			x.rejected, x.formatRejects, x.ggr)
	}

	t.Logf("expected: %d records, GGR %v, fee %v, rejects %v", x.records, x.ggr, x.fee, x.byReason)
	started, res := e.completeCycle(testTuning)
	id := e.cycleID(res)

	// The pull read every page once.
	if len(res.Pulls) != 1 {
		t.Fatalf("%d pulls, want 1", len(res.Pulls))
	}
	p := res.Pulls[0].Progress
	wantPages := pages(x.records, e.source.PageSize)
	if p.Pages != wantPages || p.Received != x.records-int(x.formatRejects) || p.Rejects != int(x.formatRejects) ||
		p.Inserted != int(x.staged) || p.Duplicates != 0 || p.Conflicts != 0 || res.Pulls[0].Resumed {
		t.Errorf("pull %+v resumed %v; want %d pages, %d received, %d inserted, %d rejects",
			p, res.Pulls[0].Resumed, wantPages, x.records-int(x.formatRejects), x.staged, x.formatRejects)
	}
	if st := e.sim.Stats(); st.Pages != int64(wantPages) || st.Requests != int64(wantPages) {
		t.Errorf("simulator served %+v, want %d pages in as many requests", st, wantPages)
	}

	requireSettlement(t, e, res, x)
	requirePublished(t, e, res, x)
	if !res.Posting.Posted || !res.Posting.Balanced || res.Posting.Lines != x.journalLines() {
		t.Errorf("posting %+v, want %d balanced lines", res.Posting, x.journalLines())
	}
	if n := e.entries(id); n["settlement"] != 1 || n["reversal"] != 0 {
		t.Errorf("journal entries %v, want one settlement", n)
	}

	// The projection, the permanent event log and the search attribute all
	// say completed.
	e.requireStatusRow(id, lifecycle.StatusCompleted)
	c, err := e.store.Cycle(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Summary) == 0 || c.Scope != scopeName || c.PeriodKey != period || c.Revision != 1 {
		t.Errorf("cycle row %+v", c)
	}
	kinds := e.eventKinds(id)
	if kinds[0] != "cycle.opened" || kinds[len(kinds)-1] != "cycle.completed" {
		t.Errorf("event log %v should run from cycle.opened to cycle.completed", kinds)
	}
	for _, step := range []string{lifecycle.StepPull, lifecycle.StepValidate, lifecycle.StepSplit, lifecycle.StepPost,
		lifecycle.StepPublish, lifecycle.StepClose} {
		if indexOf(kinds, "step.started:"+step) < 0 || indexOf(kinds, "step.completed:"+step) < indexOf(kinds, "step.started:"+step) {
			t.Errorf("event log lacks a started/completed pair for %s: %v", step, kinds)
		}
	}
	if got := e.searchStatus(started); got != lifecycle.StatusCompleted {
		t.Errorf("SettleStatus search attribute %q, want completed", got)
	}
}

// A page the feed serves twice is staged once and counted as duplicates.
func TestDuplicatedPageCountedOnce(t *testing.T) {
	t.Parallel()
	const pageSize = 100
	cfg := sim.DefaultProviderConfig()
	cfg.RoundsPerDay = 400 // ~570 records: six pages of 100
	cfg.Faults.DuplicatePage = 2
	e := newEnv(t, envOptions{sim: cfg, pageSize: pageSize, slices: 1})
	x := expect(t, cfg, periodFrom, periodTo)
	if x.records <= 3*pageSize {
		t.Fatalf("%d records: page 2 would not be a full page", x.records)
	}

	_, res := e.completeCycle(testTuning)
	id := e.cycleID(res)

	staged := e.count(`SELECT count(*) FROM staged_records WHERE cycle_id = $1`, id)
	distinct := e.count(`SELECT count(DISTINCT external_id) FROM staged_records WHERE cycle_id = $1`, id)
	if staged != int64(len(x.validIDs)) || distinct != staged {
		t.Errorf("%d staged rows (%d distinct ids), want the %d distinct valid ids", staged, distinct, len(x.validIDs))
	}
	// Every staged id is one the feed generated.
	rows, err := e.store.Pool.Query(e.ctx, `SELECT external_id FROM staged_records WHERE cycle_id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tid string
		if err := rows.Scan(&tid); err != nil {
			t.Fatal(err)
		}
		if !x.validIDs[tid] {
			t.Errorf("staged id %s is not in the feed", tid)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	p := res.Pulls[0].Progress
	wantPages := pages(x.records, pageSize) + 1
	if p.Duplicates != pageSize || p.Pages != wantPages || p.Received != x.records+pageSize || p.Inserted != x.records {
		t.Errorf("pull %+v; want %d duplicates, %d pages, %d received, %d inserted",
			p, pageSize, wantPages, x.records+pageSize, x.records)
	}
	if st := e.sim.Stats(); st.Pages != int64(wantPages) {
		t.Errorf("simulator served %d pages, want %d", st.Pages, wantPages)
	}
	// The duplicate counted nowhere in the money.
	requireSettlement(t, e, res, x)
}

// Starting a period that is being or has been settled returns the existing
// run; nothing is settled twice, and the database refuses a second cycle
// even from a workflow that bypasses the workflow-ID guard.
func TestSecondStartDoesNotSettleTwice(t *testing.T) {
	t.Parallel()
	cfg := sim.DefaultProviderConfig()
	e := newEnv(t, envOptions{sim: cfg, slices: 1})
	x := expect(t, cfg, periodFrom, periodTo)

	first := e.startCycle(testTuning)
	if first.Existing {
		t.Fatal("first start found an existing run")
	}
	while := e.startCycle(testTuning)
	if !while.Existing || while.RunID != first.RunID {
		t.Fatalf("start while running: existing %v run %s, want the first run %s", while.Existing, while.RunID, first.RunID)
	}
	res, err := e.waitCycle(first, false)
	if err != nil || res.Status != lifecycle.StatusCompleted {
		t.Fatalf("first cycle: %v %+v", err, res)
	}
	after := e.startCycle(testTuning)
	if !after.Existing || after.RunID != first.RunID || after.Status != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		t.Fatalf("start after completion: existing %v run %s status %s, want the completed first run",
			after.Existing, after.RunID, after.Status)
	}

	// Another workflow ID for the same period (an operator script, a bug):
	// its open step finds the completed cycle in Postgres and refuses.
	in := first.Input
	in.Tuning = abortTuning()
	run, err := e.client.ExecuteWorkflow(e.ctx, client.StartWorkflowOptions{
		ID: first.WorkflowID + "/rogue", TaskQueue: workflows.TaskQueue,
	}, workflows.SettlementCycle, in)
	if err != nil {
		t.Fatal(err)
	}
	rogue := platform.Started{WorkflowID: run.GetID(), RunID: run.GetRunID()}
	if _, err = e.waitCycle(rogue, true); err == nil {
		t.Fatal("a second cycle for a settled period completed")
	}
	if open := stepState(e.finalStatus(rogue), lifecycle.StepOpen); !strings.Contains(open.Error, "already settled") ||
		!strings.Contains(open.Error, activities.ErrBadData) {
		t.Fatalf("second cycle's open step %+v, want it refused as already settled", open)
	}

	if n := e.count(`SELECT count(*) FROM cycles`); n != 1 {
		t.Errorf("%d cycle rows, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM cycles WHERE status = 'completed' AND scope = $1 AND period_start = $2`, scopeName, periodFrom); n != 1 {
		t.Errorf("%d completed cycles, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM journal_entries`); n != 1 {
		t.Errorf("%d journal entries, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM statements`); n != 1 {
		t.Errorf("%d statements, want 1", n)
	}
	if st := e.sim.Stats(); st.Pages != int64(pages(x.records, e.source.PageSize)) {
		t.Errorf("the feed was read %d pages, want one pull of %d", st.Pages, pages(x.records, e.source.PageSize))
	}
	requireSettlement(t, e, res, x)
}

// The isolation every other test relies on: a namespace registered per test
// has settleflow's search attributes (the dev server keeps them per
// namespace, so without the helper they would be missing), and its task
// queue is its own.
func TestNamespacePerTest(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, ns := temporal.NewNamespace(t)
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"SettleScope", "SettlePeriod", "SettleStatus", "SettleBlockedStep", "SettleRevision"} {
		if _, ok := have.GetCustomAttributes()[name]; !ok {
			t.Errorf("namespace %s lacks search attribute %s", ns, name)
		}
	}

	// A bare namespace does not inherit them: per-namespace registration is
	// what makes StartCycle (which sets them) work in a test namespace.
	admin := temporal.Client(t)
	bare := ns + "-bare"
	if err := platform.EnsureNamespace(ctx, admin, bare, time.Hour); err != nil {
		t.Fatal(err)
	}
	var bareAttrs *operatorservice.ListSearchAttributesResponse
	for {
		bareAttrs, err = admin.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: bare})
		if err == nil || ctx.Err() != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := bareAttrs.GetCustomAttributes()["SettleScope"]; ok {
		t.Errorf("namespace %s has SettleScope without registration: the dev server (CLI %s) no longer keeps search attributes per namespace",
			bare, devserver.CLIVersion)
	}

	// A workflow queued in one namespace is invisible to a worker polling
	// the same task queue name in another: this test's namespace has no
	// worker, so the cycle must stay unstarted while other tests' workers
	// run theirs.
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "isolation-probe", TaskQueue: workflows.TaskQueue},
		workflows.SettlementCycle, workflows.CycleInput{Scope: scopeName, PeriodKey: period, PeriodStart: periodFrom, PeriodEnd: periodTo})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	desc, err := c.DescribeWorkflowExecution(ctx, run.GetID(), run.GetRunID())
	if err != nil {
		t.Fatal(err)
	}
	if desc.GetPendingWorkflowTask() == nil || desc.GetPendingWorkflowTask().GetAttempt() != 1 ||
		desc.GetPendingWorkflowTask().GetStartedTime() != nil {
		t.Errorf("a worker outside namespace %s picked up its workflow task: %+v", ns, desc.GetPendingWorkflowTask())
	}
	if err := c.TerminateWorkflow(ctx, run.GetID(), run.GetRunID(), "isolation probe done"); err != nil {
		t.Fatal(err)
	}
}

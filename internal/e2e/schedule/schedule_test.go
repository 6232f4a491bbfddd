package schedule_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/calendar"
	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/workflows"
)

func listRequest(ns, query string) *workflowservice.ListWorkflowExecutionsRequest {
	return &workflowservice.ListWorkflowExecutionsRequest{Namespace: ns, Query: query}
}

func TestScheduleLifecycleAndErrors(t *testing.T) {
	t.Parallel()
	c, _ := server.NewNamespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	cat, err := catalog.Load("")
	if err != nil {
		t.Fatal(err)
	}
	s := platform.Schedules{Client: c, Catalog: cat}

	if _, err := s.Describe(ctx, demo); !errors.Is(err, platform.ErrNoSchedule) {
		t.Fatalf("describe before create: want ErrNoSchedule, got %v", err)
	}
	if err := s.Create(ctx, "nope", platform.ScheduleOptions{}); err == nil {
		t.Fatal("create for an unknown scope succeeded")
	}
	if err := s.Create(ctx, demo, platform.ScheduleOptions{Overlap: "sometimes"}); err == nil {
		t.Fatal("create with a bad overlap policy succeeded")
	}
	if err := s.Create(ctx, demo, platform.ScheduleOptions{Paused: true, Note: "waiting for go-live", Overlap: "buffer_one"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, demo, platform.ScheduleOptions{}); err == nil {
		t.Fatal("second create succeeded")
	}
	d, err := s.Describe(ctx, demo)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Paused || d.Note != "waiting for go-live" || d.Overlap != "buffer_one" || d.CatchupWindow != platform.DefaultCatchupWindow {
		t.Errorf("described %+v", d)
	}
	if d.Spec != "every day at 00:00 (Asia/Seoul)" || d.Spec != d.CalendarSpec {
		t.Errorf("spec %q, calendar spec %q", d.Spec, d.CalendarSpec)
	}
	if len(d.NextRuns) == 0 || d.NextRuns[0].UTC().Hour() != 15 {
		t.Errorf("next runs %v, want 15:00Z", d.NextRuns)
	}
	if err := s.Unpause(ctx, demo, "live"); err != nil {
		t.Fatal(err)
	}
	if d, err = s.Describe(ctx, demo); err != nil || d.Paused || d.Note != "live" {
		t.Errorf("after unpause: %+v, %v", d, err)
	}
	eventually(t, 15*time.Second, "the schedule in list", func() (bool, error) {
		list, err := s.List(ctx)
		return len(list) == 1 && list[0].Scope == demo && !list[0].Paused, err
	})
	if _, err := s.Backfill(ctx, demo, "2026-11-03", "2026-11-01"); err == nil {
		t.Error("backwards backfill accepted")
	}
	tomorrow := time.Now().Add(48 * time.Hour).Format("2006-01-02")
	if _, err := s.Backfill(ctx, demo, tomorrow, tomorrow); err == nil {
		t.Error("backfill of a period that has not ended accepted")
	}
	if err := s.Delete(ctx, demo); err != nil {
		t.Fatal(err)
	}
	for name, op := range map[string]func() error{
		"pause":   func() error { return s.Pause(ctx, demo, "") },
		"trigger": func() error { return s.Trigger(ctx, demo) },
		"delete":  func() error { return s.Delete(ctx, demo) },
	} {
		if err := op(); !errors.Is(err, platform.ErrNoSchedule) {
			t.Errorf("%s after delete: want ErrNoSchedule, got %v", name, err)
		}
	}
}

func TestTriggerSettlesLatestEndedPeriod(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	if err := e.schedules.Create(ctx, demo, platform.ScheduleOptions{Tuning: fast}); err != nil {
		t.Fatal(err)
	}
	if err := e.schedules.Trigger(ctx, demo); err != nil {
		t.Fatal(err)
	}
	action := e.waitActions(t, ctx, 1)[0]
	want := e.expectedKey(t, action.ScheduleTime)
	res := e.result(t, ctx, action)
	if res.Existing || res.PeriodKey != want || res.Status != lifecycle.StatusRunning || res.WorkflowID != workflows.WorkflowID(demo, want) {
		t.Fatalf("scheduled run = %+v, want period %s started", res, want)
	}
	e.assertCompleted(t, ctx, res.WorkflowID)
	e.rig.SaveGolden(t, action.StartWorkflowResult.WorkflowID, action.StartWorkflowResult.FirstExecutionRunID, "scheduled-cycle-v1")
	if rows := e.cycleRows(t, ctx); len(rows) != 1 || rows[0].key != want || rows[0].status != "completed" {
		t.Fatalf("cycles rows = %+v, want one completed %s", rows, want)
	}
}

func TestSecondTriggerDoesNotSettleAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 55*time.Second)
	defer cancel()
	if err := e.schedules.Create(ctx, demo, platform.ScheduleOptions{Tuning: fast}); err != nil {
		t.Fatal(err)
	}
	if err := e.schedules.Trigger(ctx, demo); err != nil {
		t.Fatal(err)
	}
	first := e.result(t, ctx, e.waitActions(t, ctx, 1)[0])
	if first.Existing || first.Status != lifecycle.StatusRunning {
		t.Fatalf("first run = %+v", first)
	}
	e.assertCompleted(t, ctx, first.WorkflowID)
	if err := e.schedules.Trigger(ctx, demo); err != nil {
		t.Fatal(err)
	}
	action := e.waitActions(t, ctx, 2)[1]
	if key := e.expectedKey(t, action.ScheduleTime); key != first.PeriodKey {
		t.Skipf("the second trigger crossed a cut-off (%s then %s); nothing to compare", first.PeriodKey, key)
	}
	second := e.result(t, ctx, action)
	if !second.Existing || second.PeriodKey != first.PeriodKey || second.WorkflowID != first.WorkflowID {
		t.Fatalf("second run = %+v, want Existing for %s", second, first.PeriodKey)
	}
	if rows := e.cycleRows(t, ctx); len(rows) != 1 || rows[0].status != "completed" {
		t.Fatalf("cycles rows = %+v, want the one completed cycle", rows)
	}
}

func TestBackfillSettlesExactlyThosePeriods(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 55*time.Second)
	defer cancel()
	cal := e.calendar(t)
	last := cal.PeriodEndingAt(time.Now())
	var periods []calendar.Period
	for p, i := cal.Prev(last), 0; i < 3; p, i = cal.Prev(p), i+1 {
		periods = append([]calendar.Period{p}, periods...)
	}
	var want []string
	for _, p := range periods {
		want = append(want, cal.Key(p))
	}
	if err := e.schedules.Create(ctx, demo, platform.ScheduleOptions{Tuning: fast}); err != nil {
		t.Fatal(err)
	}
	keys, err := e.schedules.Backfill(ctx, demo, want[0], want[2])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys, want) {
		t.Fatalf("backfill covers %v, want %v", keys, want)
	}
	var got []string
	for _, a := range e.waitActions(t, ctx, 3) {
		res := e.result(t, ctx, a)
		if res.Existing || res.Status != lifecycle.StatusRunning {
			t.Errorf("backfilled run = %+v", res)
		}
		e.assertCompleted(t, ctx, res.WorkflowID)
		got = append(got, res.PeriodKey)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("backfill settled %v, want %v", got, want)
	}
	// A backfill starts all its runs at once, so a fourth would show by now.
	if d, err := e.schedules.Describe(ctx, demo); err != nil || d.Actions != 3 {
		t.Fatalf("schedule took %d actions (%v), want 3", d.Actions, err)
	}
	var ids []string
	eventually(t, 15*time.Second, "three completed cycles in visibility", func() (bool, error) {
		resp, err := e.client.ListWorkflow(ctx, listRequest(e.ns, "WorkflowType = 'SettlementCycle' AND ExecutionStatus = 'Completed'"))
		if err != nil {
			return false, err
		}
		ids = ids[:0]
		for _, ex := range resp.Executions {
			ids = append(ids, ex.Execution.WorkflowId)
		}
		return len(ids) >= 3, nil
	})
	slices.Sort(ids)
	wantIDs := []string{workflows.WorkflowID(demo, want[0]), workflows.WorkflowID(demo, want[1]), workflows.WorkflowID(demo, want[2])}
	if !slices.Equal(ids, wantIDs) {
		t.Fatalf("completed SettlementCycle workflows = %v, want %v", ids, wantIDs)
	}
	rows := e.cycleRows(t, ctx)
	if len(rows) != 3 {
		t.Fatalf("cycles rows = %+v, want 3", rows)
	}
	for i, r := range rows {
		if r.status != "completed" || r.key != want[i] || !r.start.Equal(periods[i].Start) {
			t.Errorf("cycle row %d = %+v, want completed %s from %s", i, r, want[i], periods[i].Start)
		}
	}
}

func (e *env) calendar(t *testing.T) calendar.Calendar {
	t.Helper()
	sc, err := e.catalog.Scope(demo)
	if err != nil {
		t.Fatal(err)
	}
	return sc.Calendar
}

// expectedKey is the period a run at nominal settles, worked out here from
// the calendar rather than trusted from the workflow.
func (e *env) expectedKey(t *testing.T, nominal time.Time) string {
	t.Helper()
	cal := e.calendar(t)
	p := cal.PeriodEndingAt(nominal)
	if p.End.After(nominal) || !cal.Next(p).End.After(nominal) {
		t.Fatalf("period %s does not end at or just before %s", p, nominal)
	}
	return cal.Key(p)
}

// waitActions waits until the schedule has taken n actions, oldest first.
func (e *env) waitActions(t *testing.T, ctx context.Context, n int) []client.ScheduleActionResult {
	t.Helper()
	var recent []client.ScheduleActionResult
	eventually(t, 20*time.Second, "schedule actions", func() (bool, error) {
		d, err := e.schedules.Describe(ctx, demo)
		recent = d.Recent
		return len(recent) >= n, err
	})
	return recent
}

func (e *env) result(t *testing.T, ctx context.Context, a client.ScheduleActionResult) workflows.ScheduledResult {
	t.Helper()
	if a.StartWorkflowResult == nil {
		t.Fatalf("action at %s started no workflow", a.ScheduleTime)
	}
	var res workflows.ScheduledResult
	run := e.client.GetWorkflow(ctx, a.StartWorkflowResult.WorkflowID, a.StartWorkflowResult.FirstExecutionRunID)
	if err := run.Get(ctx, &res); err != nil {
		t.Fatalf("scheduled run %s: %v", a.StartWorkflowResult.WorkflowID, err)
	}
	return res
}

// assertCompleted waits for the cycle a scheduled run started (the run
// itself ends once the cycle is under way) and checks that it completed.
func (e *env) assertCompleted(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	var res workflows.CycleResult
	if err := e.client.GetWorkflow(ctx, id, "").Get(ctx, &res); err != nil {
		t.Fatalf("cycle %s: %v", id, err)
	}
	desc, err := e.client.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		t.Fatalf("cycle %s is %s, want completed", id, st)
	}
}

type cycleRow struct {
	key, status string
	start       time.Time
}

func (e *env) cycleRows(t *testing.T, ctx context.Context) []cycleRow {
	t.Helper()
	rows, err := e.store.Pool.Query(ctx, `SELECT period_key, status, period_start FROM cycles WHERE scope = $1 ORDER BY period_start`, demo)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []cycleRow
	for rows.Next() {
		var r cycleRow
		if err := rows.Scan(&r.key, &r.status, &r.start); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

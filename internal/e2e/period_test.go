package e2e

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/workflows"
)

const future = "2099-01-01"

// A period that has not ended is not started: the request is refused
// before any workflow exists. Forced with a reason it settles, and the
// reason is in the event log; a cycle started some other way, unforced,
// stops at open instead of settling partial data.
func TestFuturePeriodRefusedUnlessForced(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	req := platform.StartRequest{Scope: scopeName, Period: future, StartedBy: "e2e", Tuning: abortTuning()}
	if _, err := platform.StartCycle(e.ctx, e.client, e.catalog, req); err == nil || !strings.Contains(err.Error(), "has not ended") {
		t.Fatalf("start of %s: %v", future, err)
	}
	id := workflows.WorkflowID(scopeName, future)
	var notFound *serviceerror.NotFound
	if _, err := e.client.DescribeWorkflowExecution(e.ctx, id, ""); !errors.As(err, &notFound) {
		t.Fatalf("a refused start left a workflow behind: %v", err)
	}

	// Started behind the platform's back, it blocks at open.
	in, err := platform.CycleInput(e.catalog, scopeName, future, "e2e")
	if err != nil {
		t.Fatal(err)
	}
	in.Tuning = abortTuning()
	run, err := e.client.ExecuteWorkflow(e.ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue},
		workflows.SettlementCycle, in)
	if err != nil {
		t.Fatal(err)
	}
	unforced := platform.Started{WorkflowID: id, RunID: run.GetRunID()}
	st := e.waitBlocked(unforced)
	if st.Blocked.Step != lifecycle.StepOpen || !strings.Contains(st.Blocked.Error, "has not ended") {
		t.Fatalf("blocked at %s: %s", st.Blocked.Step, st.Blocked.Error)
	}
	if _, err := e.waitCycle(unforced, true); err == nil {
		t.Fatal("the unforced cycle completed")
	}

	req.Force, req.Tuning = "partner confirmed the day is complete", testTuning
	started, err := platform.StartCycle(e.ctx, e.client, e.catalog, req)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.waitCycle(started, false)
	if err != nil || res.Status != lifecycle.StatusCompleted {
		t.Fatalf("forced cycle: %s %v", res.Status, err)
	}
	events, err := e.store.Events(e.ctx, e.cycleID(res))
	if err != nil {
		t.Fatal(err)
	}
	var opened struct{ Forced string }
	if len(events) == 0 || events[0].Kind != lifecycle.EventCycleOpened || json.Unmarshal(events[0].Payload, &opened) != nil ||
		opened.Forced != req.Force {
		t.Errorf("cycle.opened does not record why it was forced: %+v", events)
	}
}

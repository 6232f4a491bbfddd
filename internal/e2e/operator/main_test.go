// Package operator_test proves the operator's and engineer's tools against
// the real dev server and Postgres: blocked cycles, alerts, retry, skip,
// abort, auto-abort, the approval gate and revisions.
package operator_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/workflows"
)

var server *testenv.Temporal

func TestMain(m *testing.M) { testenv.Main(m, &server) }

var fast = testenv.FastTuning

func start(t *testing.T, r *testenv.Rig, period, actor string, tuning workflows.Tuning, revise bool) platform.Started {
	t.Helper()
	s, err := platform.StartCycle(testenv.Context(t, 30*time.Second), r.Client, r.Catalog, platform.StartRequest{
		Scope: testenv.DemoScope, Period: period, StartedBy: actor, Tuning: tuning, Revise: revise})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitStatus polls the cycle's status query until it reports status.
func waitStatus(t *testing.T, c client.Client, workflowID, status string) workflows.CycleStatus {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var last workflows.CycleStatus
	var err error
	for time.Now().Before(deadline) {
		last, err = platform.QueryCycle(testenv.Context(t, 10*time.Second), c, workflowID, "")
		if err == nil && last.Status == status {
			return last
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never became %s (last %s, %v)", workflowID, status, last.Status, err)
	return last
}

func wait(t *testing.T, r *testenv.Rig, s platform.Started) (workflows.CycleResult, error) {
	t.Helper()
	return platform.WaitCycle(testenv.Context(t, 30*time.Second), r.Client, s.WorkflowID, s.RunID)
}

// act sends an operator action; wantRefusal, when set, must appear in the
// refusal.
func act(t *testing.T, r *testenv.Rig, workflowID, action, actor, reason, wantRefusal string) {
	t.Helper()
	_, err := platform.Act(testenv.Context(t, 30*time.Second), r.Client, workflowID, action, actor, reason)
	switch {
	case wantRefusal == "" && err != nil:
		t.Fatalf("%s by %s refused: %v", action, actor, err)
	case wantRefusal != "" && err == nil:
		t.Fatalf("%s by %s accepted, want refused (%s)", action, actor, wantRefusal)
	case wantRefusal != "" && !contains(err, wantRefusal):
		t.Fatalf("%s by %s refused with %v, want %q", action, actor, err, wantRefusal)
	}
}

func contains(err error, s string) bool { return strings.Contains(err.Error(), s) }

// eventKinds lists a cycle's event log as "kind:actor" entries, after
// checking its hash chain.
func eventKinds(t *testing.T, r *testenv.Rig, cycleID string) []string {
	t.Helper()
	ctx := context.Background()
	c, err := r.Store.LatestCycleOfWorkflow(ctx, cycleID)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Store.VerifyEvents(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	events, err := r.Store.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = fmt.Sprintf("%s:%s", e.Kind, e.Actor)
	}
	return out
}

func count(list []string, item string) int {
	n := 0
	for _, x := range list {
		if x == item {
			n++
		}
	}
	return n
}

package store_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

func TestCreateCycleIsIdempotentAndOneLivePerRevision(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newCycle(t, ctx, st)

	again, err := st.CreateCycle(ctx, store.Cycle{ID: c.ID, WorkflowID: c.WorkflowID, Scope: c.Scope, PeriodKey: c.PeriodKey,
		PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd, Revision: 1, Status: "running"})
	if err != nil || again.ID != c.ID || !again.CreatedAt.Equal(c.CreatedAt) {
		t.Fatalf("re-create: %+v %v", again, err)
	}
	// A second live cycle of the same scope, period and revision from another
	// workflow is refused by the partial unique index.
	_, err = st.CreateCycle(ctx, store.Cycle{ID: uuid.New(), WorkflowID: "other", Scope: c.Scope, PeriodKey: c.PeriodKey,
		PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd, Revision: 1, Status: "running"})
	requireRefused(t, "second live cycle", err, "duplicate key")
	// A new run of the same workflow marks the old unfinished row abandoned
	// and takes its place.
	next, err := st.CreateCycle(ctx, store.Cycle{ID: uuid.New(), WorkflowID: c.WorkflowID, Scope: c.Scope, PeriodKey: c.PeriodKey,
		PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd, Revision: 1, Status: "running"})
	if err != nil {
		t.Fatalf("next run: %v", err)
	}
	cycles, err := st.CyclesForPeriod(ctx, c.Scope, c.PeriodStart)
	if err != nil || len(cycles) != 2 {
		t.Fatalf("cycles: %v %v", cycles, err)
	}
	status := map[uuid.UUID]string{}
	for _, x := range cycles {
		status[x.ID] = x.Status
	}
	if status[c.ID] != "abandoned" || status[next.ID] != "running" {
		t.Fatalf("statuses %v, want the first abandoned and the next running", status)
	}
}

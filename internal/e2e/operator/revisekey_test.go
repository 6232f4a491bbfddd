package operator_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/testenv"
)

// A revision requested twice with the same idempotency key — two clicks at
// once, or the same click again after the revision finished — is one
// revision; a new key is a new one.
func TestReviseIdempotencyKey(t *testing.T) {
	t.Parallel()
	r := server.NewRig(t, testenv.RigOptions{})
	first := start(t, r, "2026-11-03", "scheduler", fast, false)
	res, err := wait(t, r, first)
	if err != nil {
		t.Fatal(err)
	}
	revise := func(key string) platform.Started {
		s, err := platform.StartCycle(testenv.Context(t, 30*time.Second), r.Client, r.Catalog, platform.StartRequest{
			Scope: testenv.DemoScope, Period: "2026-11-03", StartedBy: "ops", Tuning: fast, Revise: true, IdempotencyKey: key})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	var clicks [2]platform.Started
	var wg sync.WaitGroup
	for i := range clicks {
		wg.Add(1)
		go func() { defer wg.Done(); clicks[i] = revise("click-1") }()
	}
	wg.Wait()
	if clicks[0].RunID != clicks[1].RunID || clicks[0].Existing == clicks[1].Existing {
		t.Fatalf("two clicks started %+v and %+v; want one run, the other click finding it", clicks[0], clicks[1])
	}
	if _, err := wait(t, r, clicks[0]); err != nil {
		t.Fatal(err)
	}
	if again := revise("click-1"); !again.Existing || again.RunID != clicks[0].RunID {
		t.Errorf("the same key after the revision finished: %+v", again)
	}
	periodStart := func() time.Time {
		c, err := r.Store.Cycle(context.Background(), uuid.MustParse(res.CycleID))
		if err != nil {
			t.Fatal(err)
		}
		return c.PeriodStart
	}()
	if cycles, err := r.Store.CyclesForPeriod(context.Background(), testenv.DemoScope, periodStart); err != nil || len(cycles) != 2 {
		t.Errorf("%d cycles for the period (%v), want the first and one revision", len(cycles), err)
	}
	if next := revise("click-2"); next.Existing || next.RunID == clicks[0].RunID {
		t.Errorf("a new key did not start a new revision: %+v", next)
	}
}

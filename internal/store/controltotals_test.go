package store_test

import (
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/testenv"
)

// Control totals are replaced, not added to, when a pull finishes again,
// and go with the cycle's staging.
func TestControlTotals(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newStagedCycle(t, ctx, st)
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	totals := []source.DayTotal{{Day: day, Currency: "KRW", Type: "bet", Count: 3, Amount: 3000},
		{Day: day.Add(24 * time.Hour), Currency: "USD", Type: "win", Count: 1, Amount: -5}}
	for range 2 {
		if err := st.SaveControlTotals(ctx, c.ID, "agg", totals); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.ControlTotals(ctx, c.ID)
	if err != nil || len(got) != 2 || got[0].Source != "agg" || got[0].DayTotal != totals[0] || got[1].DayTotal != totals[1] {
		t.Fatalf("control totals %+v, %v", got, err)
	}
	if err := st.DropStaging(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := st.ControlTotals(ctx, c.ID); err != nil || len(got) != 0 {
		t.Errorf("after the pull was undone: %+v, %v", got, err)
	}
}

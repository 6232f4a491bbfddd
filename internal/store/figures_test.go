package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/internal/trend"
)

// figured is a cycle of scope "fig" on day with its figures stored.
func figured(t *testing.T, ctx context.Context, st *store.Store, day, revision int, status string, records int64) store.Cycle {
	t.Helper()
	start := periodStart.AddDate(0, 0, day)
	id := uuid.New()
	c, err := st.CreateCycle(ctx, store.Cycle{ID: id, WorkflowID: "settle/fig/" + id.String(), Scope: "fig",
		PeriodKey: start.Format(time.DateOnly), PeriodStart: start, PeriodEnd: start.Add(24 * time.Hour),
		Revision: revision, Status: status})
	if err != nil {
		t.Fatal(err)
	}
	f := trend.Figures{CycleID: id.String(), Period: c.PeriodKey, Records: records, GGR: map[string]int64{"KRW": records * 10}}
	if err := st.SaveFigures(ctx, id, f, "first try"); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveFigures(ctx, id, f, "summary of "+c.PeriodKey); err != nil { // a retried stage 3
		t.Fatal(err)
	}
	return c
}

// The trailing figures are the latest settled revision of each earlier
// period, oldest first, at most n.
func TestTrailingFigures(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	figured(t, ctx, st, 0, 1, lifecycle.StatusCompleted, 100)
	figured(t, ctx, st, 1, 1, lifecycle.StatusSuperseded, 200)
	figured(t, ctx, st, 1, 2, lifecycle.StatusCompleted, 210)
	figured(t, ctx, st, 2, 1, lifecycle.StatusCompensated, 999)
	figured(t, ctx, st, 3, 1, lifecycle.StatusCompleted, 300)
	cur := figured(t, ctx, st, 4, 1, lifecycle.StatusRunning, 400)
	figured(t, ctx, st, 5, 1, lifecycle.StatusCompleted, 500)

	got, err := st.TrailingFigures(ctx, "fig", cur.PeriodStart, 2)
	if err != nil {
		t.Fatal(err)
	}
	var records []int64
	for _, f := range got {
		records = append(records, f.Records)
	}
	if !reflect.DeepEqual(records, []int64{210, 300}) {
		t.Errorf("trailing records %v, want [210 300]", records)
	}
	if got[1].GGR["KRW"] != 3000 || got[1].Period != "2026-11-03" {
		t.Errorf("figures read back as %+v", got[1])
	}
	all, err := st.TrailingFigures(ctx, "fig", cur.PeriodStart, 10)
	if err != nil || len(all) != 3 {
		t.Errorf("all trailing: %d, %v", len(all), err)
	}
	text, ok, err := st.Summary(ctx, cur.ID)
	if err != nil || !ok || text != "summary of 2026-11-04" {
		t.Errorf("summary %q %v %v", text, ok, err)
	}
	if _, ok, err := st.Summary(ctx, uuid.New()); ok || err != nil {
		t.Errorf("summary of an unknown cycle: %v %v", ok, err)
	}
}

func TestAnomaliesRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newCycle(t, ctx, st)
	ggr := store.Anomaly{Anomaly: trend.Anomaly{Change: trend.Change{Series: trend.Series{Metric: trend.MetricGGR, Currency: "KRW"},
		Value: 1150, Baseline: 1000, ChangeBP: 1500, Compared: true, Cycles: 7}, ThresholdBP: 1000}, Description: "GGR rose"}
	volume := store.Anomaly{Anomaly: trend.Anomaly{Change: trend.Change{Series: trend.Series{Metric: trend.MetricVolume},
		Value: 10, Baseline: 5, ChangeBP: 10000, Compared: true, Cycles: 3}, ThresholdBP: 5000}, Description: "volume doubled"}
	if err := st.SaveAnomalies(ctx, c.ID, []store.Anomaly{volume}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveAnomalies(ctx, c.ID, []store.Anomaly{ggr, volume}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Anomalies(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []store.Anomaly{volume, ggr}) {
		t.Errorf("anomalies read back as %+v", got)
	}
}

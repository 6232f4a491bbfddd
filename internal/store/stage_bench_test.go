package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// BenchmarkStageBatch measures COPYing canonical records into a cycle's
// partition: the store's share of a pull, per record.
func BenchmarkStageBatch(b *testing.B) {
	ctx := context.Background()
	st, _ := testenv.Database(b)
	id := uuid.New()
	c, err := st.CreateCycle(ctx, store.Cycle{ID: id, WorkflowID: "bench/" + id.String(), Scope: "bench", PeriodKey: "2026-11-01",
		PeriodStart: periodStart, PeriodEnd: periodStart.Add(24 * time.Hour), Revision: 1, Status: "running"})
	if err != nil {
		b.Fatal(err)
	}
	if err := st.CreateStaging(ctx, c.ID); err != nil {
		b.Fatal(err)
	}
	page := make([]record.Record, 5000)
	for i := range page {
		page[i] = rec(fmt.Sprintf("t-20261101-%07d-b", i), "bet", "", int64(100+i), "KRW", periodStart.Add(time.Duration(i)*time.Second))
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		pages := 20
		_, err := st.StageBatch(ctx, store.Batch{CycleID: c.ID, Scope: c.Scope, Source: "agg", Slice: n % 100}, func() (*store.StagedPage, error) {
			if pages == 0 {
				return nil, nil
			}
			pages--
			return &store.StagedPage{Number: pages, Records: page}, nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100_000), "ns/record")
}

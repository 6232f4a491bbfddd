package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// BenchmarkReconcileGames reconciles 1M provider transactions against the
// 1M wallet entries mirroring them (100k each with -short), one break in
// a hundred, and reports records matched per second:
//
//	go test -run '^$' -bench ReconcileGames -benchtime 3x ./internal/store/
func BenchmarkReconcileGames(b *testing.B) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	ctx := context.Background()
	st, _ := testenv.Database(b)
	c := benchCycle(b, ctx, st, n)
	pairs := gamesPairs(b)[:1]
	cfg := recon.Config{ReportingCurrency: "USD", Gate: recon.Gate{Action: recon.GateApprove}, Pairs: pairs}
	params := store.ReconcileParams{CycleID: c.ID, Scope: c.Scope, PeriodStart: c.PeriodStart, Config: cfg, Rates: cfg.RateTable(nil)}
	var breaks int
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		for _, table := range []string{"recon_runs", "recon_tallies", "discrepancies"} {
			if _, err := st.Pool.Exec(ctx, `DELETE FROM `+table+` WHERE cycle_id = $1`, c.ID); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if _, err := st.Reconcile(ctx, params); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM discrepancies WHERE cycle_id = $1`, c.ID).Scan(&breaks); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(2*n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(breaks), "breaks")
}

// benchCycle stages n provider bets and the n wallet debits mirroring
// them; every hundredth wallet entry is off by one unit, every hundredth
// (another) missing and replaced by one with no provider counterpart.
func benchCycle(b *testing.B, ctx context.Context, st *store.Store, n int) store.Cycle {
	b.Helper()
	c := newStagedCycle(b, ctx, st)
	const page = 10_000
	for _, source := range []string{"agg", "wallet"} {
		i := 0
		_, err := st.StageBatch(ctx, store.Batch{CycleID: c.ID, Scope: c.Scope, Source: source}, func() (*store.StagedPage, error) {
			if i >= n {
				return nil, nil
			}
			recs := make([]record.Record, 0, page)
			for ; len(recs) < page && i < n; i++ {
				recs = append(recs, benchRecord(source, i))
			}
			return &store.StagedPage{Number: i / page, Records: recs}, nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := st.Pool.Exec(ctx, `SELECT settleflow_analyze($1::regclass)`, store.StagingTable(c.ID).Sanitize()); err != nil {
		b.Fatal(err)
	}
	return c
}

func benchRecord(source string, i int) record.Record {
	id := fmt.Sprintf("t-%08d", i)
	at := periodStart.Add(time.Duration(i%86000) * time.Second)
	amount := int64(1000 + i%5000)
	if source == "agg" {
		return canonical(record.KindProvider, id, "", "p-1", "bet", amount, "KRW", at)
	}
	switch i % 100 {
	case 17:
		amount++
	case 42:
		id = fmt.Sprintf("t-x%08d", i)
	}
	return canonical(record.KindWallet, fmt.Sprintf("w-%08d", i), id, "p-1", "bet_debit", amount, "KRW", at.Add(time.Second))
}

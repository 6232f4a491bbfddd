package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/internal/validate"
)

func txn(id, typ, ref string, amount int64, at time.Time) record.Record {
	r := record.Record{Kind: record.KindProvider, ExternalID: id, ReferenceID: ref, Player: "p-1", Type: typ,
		Currency: "KRW", Amount: amount, OccurredAt: at,
		Attrs: []record.Attr{{Key: "game_code", Value: "slot"}, {Key: "round_id", Value: "r-" + id}}}
	r.Hash = record.ComputeHash(&r)
	return r
}

// stageAll stages records as one page of the demo scope's aggregator.
func stageAll(t *testing.T, st *store.Store, cycle uuid.UUID, recs ...record.Record) {
	t.Helper()
	page := &store.StagedPage{Records: recs}
	_, err := st.StageBatch(context.Background(), store.Batch{CycleID: cycle, Scope: testenv.DemoScope, Source: "aggregator"},
		func() (*store.StagedPage, error) { p := page; page = nil; return p, nil })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.FinishSource(context.Background(), cycle, "aggregator"); err != nil {
		t.Fatal(err)
	}
}

// A rollback just after the cut-off may cancel a bet settled in the
// previous period; only a rollback of a bet nobody has seen is an orphan,
// and a bet is cancelled once however many periods its rollback is sent in.
func TestValidateRollbackOfEarlierPeriodsBet(t *testing.T) {
	ctx := context.Background()
	st, _ := testenv.Database(t)
	a := &activities.Activities{Store: st, Catalog: testenv.Catalog(t, "")}

	first, _ := open(t, a, "2026-11-01")
	lastMinute := time.Date(2026, 11, 1, 14, 59, 59, 0, time.UTC) // 23:59:59 in Seoul
	stageAll(t, st, first, txn("bet-1", "bet", "", 5000, lastMinute))
	if _, err := a.Validate(ctx, activities.CycleRef{CycleID: first}); err != nil {
		t.Fatal(err)
	}
	settleCycle(t, st, first)

	second, _ := open(t, a, "2026-11-02")
	justAfter := lastMinute.Add(2 * time.Second)
	stageAll(t, st, second, txn("rb-1", "rollback", "bet-1", 5000, justAfter),
		txn("rb-2", "rollback", "bet-never-seen", 5000, justAfter))
	res, err := a.Validate(ctx, activities.CycleRef{CycleID: second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != 1 || res.Rejected != 1 || res.ByReason[validate.OrphanRollback] != 1 {
		t.Errorf("validation = %+v; want the earlier period's bet to count and the unknown one to be an orphan", res)
	}
	settleCycle(t, st, second)

	third, _ := open(t, a, "2026-11-03")
	stageAll(t, st, third, txn("rb-3", "rollback", "bet-1", 5000, justAfter.Add(24*time.Hour)))
	res, err = a.Validate(ctx, activities.CycleRef{CycleID: third})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != 0 || res.ByReason[validate.DoubleRollback] != 1 {
		t.Errorf("validation = %+v; want the bet's second rollback, a period later, refused", res)
	}
}

// settleCycle marks a validated cycle completed, as closing does;
// validation registered what it settles.
func settleCycle(t *testing.T, st *store.Store, id uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	if _, err := st.Pool.Exec(ctx, `UPDATE cycles SET status = 'completed' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
}

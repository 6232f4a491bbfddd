package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/source/provider"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/internal/validate"
)

func txn(id, typ, ref string, amount int64, at time.Time) provider.Record {
	r := provider.Record{TransactionID: id, RoundID: "r-" + id, PlayerID: "p-1", GameCode: "slot", Type: typ,
		Currency: "KRW", RefTransactionID: ref, Amount: amount, Timestamp: at}
	r.Hash = provider.Hash(r)
	return r
}

// A rollback just after the cut-off may cancel a bet settled in the
// previous period; only a rollback of a bet nobody has seen is an orphan.
func TestValidateRollbackOfEarlierPeriodsBet(t *testing.T) {
	ctx := context.Background()
	st, _ := testenv.Database(t)
	a := &activities.Activities{Store: st, Catalog: testenv.Catalog(t, "")}

	first, _ := open(t, a, "2026-11-01")
	lastMinute := time.Date(2026, 11, 1, 14, 59, 59, 0, time.UTC) // 23:59:59 in Seoul
	if _, err := st.StagePage(ctx, first, "aggregator", provider.Page{Records: []provider.Record{
		txn("bet-1", "bet", "", 5000, lastMinute)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Validate(ctx, activities.CycleRef{CycleID: first}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool.Exec(ctx, `UPDATE cycles SET status = 'completed' WHERE id = $1`, first); err != nil {
		t.Fatal(err)
	}

	second, _ := open(t, a, "2026-11-02")
	justAfter := lastMinute.Add(2 * time.Second)
	if _, err := st.StagePage(ctx, second, "aggregator", provider.Page{Records: []provider.Record{
		txn("rb-1", "rollback", "bet-1", 5000, justAfter),
		txn("rb-2", "rollback", "bet-never-seen", 5000, justAfter)}}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Validate(ctx, activities.CycleRef{CycleID: second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != 1 || res.Rejected != 1 || res.ByReason[validate.OrphanRollback] != 1 {
		t.Errorf("validation = %+v; want the earlier period's bet to count and the unknown one to be an orphan", res)
	}
}

package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// walletEntry is a wallet game entry mirroring provider transaction txn.
func walletEntry(id, typ, txn string, amount int64, at time.Time, attrs ...record.Attr) record.Record {
	r := record.Record{Kind: record.KindWallet, ExternalID: id, ReferenceID: txn, Player: "p-1", Type: typ,
		Amount: amount, Currency: "KRW", OccurredAt: at, Attrs: append([]record.Attr{{Key: "round_id", Value: "r-" + txn}}, attrs...)}
	record.SortAttrs(r.Attrs)
	r.Hash = record.ComputeHash(&r)
	return r
}

// The wallet's game entries stand in for the aggregator's records, by
// the provider's ids and types; its cash entries do not; what the
// aggregator's failed pull left is discarded; a retry gives the same.
func TestStageFallback(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newStagedCycle(t, ctx, st)
	at := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	late := at.Add(26 * time.Hour).Format(time.RFC3339)
	stage(t, ctx, st, c, "agg", store.StagedPage{Records: []record.Record{rec("t-partial", "bet", "", 5, "KRW", at)},
		Rejects: []record.Reject{{ExternalID: "t-bad", Reason: "FORMAT_BAD_TYPE", Raw: []byte(`{}`)}}})
	if err := st.SaveControlTotals(ctx, c.ID, "agg", []source.DayTotal{{Day: at.Truncate(24 * time.Hour), Currency: "KRW", Type: "bet", Count: 9, Amount: 9}}); err != nil {
		t.Fatal(err)
	}
	stage(t, ctx, st, c, "wallet", store.StagedPage{Records: []record.Record{
		walletEntry("w-1", "bet_debit", "t-1", 100, at),
		walletEntry("w-2", "rollback_credit", "t-2", 100, at, record.Attr{Key: "rolls_back", Value: "t-1"}),
		walletEntry("w-3", "win_credit", "t-3", 250, at, record.Attr{Key: "booked_at", Value: late}),
		walletEntry("w-4", "deposit", "pay-1", 900, at),
	}})
	in, err := source.StandInFor(record.KindProvider, record.KindWallet)
	if err != nil {
		t.Fatal(err)
	}
	f := store.Fallback{Source: "agg", Fallback: "wallet", Mode: "manual", Actor: "alice", Reason: "aggregator down"}
	for range 2 {
		n, err := st.StageFallback(ctx, c.ID, c.Scope, f, in)
		if err != nil || n != 3 {
			t.Fatalf("staged %d, %v; want the 3 game entries", n, err)
		}
	}
	rows, err := st.Pool.Query(ctx, `SELECT external_id, reference_id, type, amount, attrs::text FROM `+
		store.StagingTable(c.ID).Sanitize()+` WHERE source = 'agg' ORDER BY external_id`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID, Ref, Type string
		Amount        int64
		Attrs         string
	}
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.ID, &r.Ref, &r.Type, &r.Amount, &r.Attrs); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := []row{
		{"t-1", "", "bet", 100, `{"fallback": "wallet", "round_id": "r-t-1"}`},
		{"t-2", "t-1", "rollback", 100, `{"fallback": "wallet", "round_id": "r-t-2"}`},
		{"t-3", "", "win", 250, `{"fallback": "wallet", "round_id": "r-t-3", "booked_at": "` + late + `"}`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stand-in rows %+v, want %+v", got, want)
	}
	totals, err := st.ControlTotals(ctx, c.ID)
	if err != nil || len(totals) != 0 {
		t.Errorf("control totals of the failed pull: %+v, %v", totals, err)
	}
	counts, err := st.Counts(ctx, c.ID)
	if err != nil || counts.FormatRejects != 0 {
		t.Errorf("the failed pull's quarantine stayed: %+v, %v", counts, err)
	}
	fbs, err := st.Fallbacks(ctx, c.ID)
	if err != nil || len(fbs) != 1 || fbs[0].Staged != 3 || fbs[0].Actor != "alice" || fbs[0].Fallback != "wallet" {
		t.Errorf("fallbacks %+v, %v", fbs, err)
	}
}

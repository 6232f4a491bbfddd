package store_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/source/provider"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

func record(id string, amount int64) provider.Record {
	r := provider.Record{TransactionID: id, RoundID: "r-" + id, PlayerID: "p-1", GameCode: "slot", Type: "bet",
		Currency: "KRW", Amount: amount, Timestamp: periodStart.Add(time.Hour)}
	r.Hash = provider.Hash(r)
	return r
}

func TestStagePageDeduplicatesAndQuarantinesConflicts(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newCycle(t, ctx, st)

	page := provider.Page{
		Records: []provider.Record{record("t-1", 1000), record("t-2", 2000), record("t-3", 3000)},
		Rejects: []provider.Reject{{Index: 3, Reason: provider.ReasonBadType, Detail: "type", Raw: json.RawMessage(`{"type":"bonus"}`)}},
	}
	first, err := st.StagePage(ctx, c.ID, "agg", page)
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.PageResult{Received: 3, Inserted: 3, Rejects: 1}); first != want {
		t.Fatalf("first delivery: %+v, want %+v", first, want)
	}
	second, err := st.StagePage(ctx, c.ID, "agg", page)
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.PageResult{Received: 3, Duplicates: 3, Rejects: 1}); second != want {
		t.Fatalf("second delivery: %+v, want %+v", second, want)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM staged_transactions WHERE cycle_id = $1`, c.ID); n != 3 {
		t.Fatalf("%d staged rows after the page came twice, want 3", n)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM quarantine WHERE cycle_id = $1 AND stage = 'format'`, c.ID); n != 1 {
		t.Fatalf("%d format rejects quarantined after the page came twice, want 1", n)
	}

	// Same id, other content: the first version stays staged, the new one is
	// quarantined as a conflicting duplicate.
	changed := record("t-2", 2500)
	third, err := st.StagePage(ctx, c.ID, "agg", provider.Page{Records: []provider.Record{changed, record("t-4", 4000)}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.PageResult{Received: 2, Inserted: 1, Conflicts: 1}); third != want {
		t.Fatalf("conflicting delivery: %+v, want %+v", third, want)
	}
	var amount int64
	if err := st.Pool.QueryRow(ctx, `SELECT amount FROM staged_transactions WHERE cycle_id = $1 AND transaction_id = 't-2'`, c.ID).Scan(&amount); err != nil {
		t.Fatal(err)
	}
	if amount != 2000 {
		t.Fatalf("staged t-2 amount %d, want the first version's 2000", amount)
	}
	var key, stage, reason string
	var raw json.RawMessage
	err = st.Pool.QueryRow(ctx, `SELECT record_key, stage, reason, raw FROM quarantine WHERE cycle_id = $1 AND stage = 'duplicate'`, c.ID).
		Scan(&key, &stage, &reason, &raw)
	if err != nil {
		t.Fatalf("conflicting duplicate not quarantined: %v", err)
	}
	if reason != "CONFLICTING_DUPLICATE" || key != "t-2@"+changed.Hash {
		t.Fatalf("quarantined %s / %s / %s, want t-2@<hash> / duplicate / CONFLICTING_DUPLICATE", key, stage, reason)
	}
	var kept struct {
		Amount int64 `json:"amount"`
	}
	if err := json.Unmarshal(raw, &kept); err != nil || kept.Amount != 2500 {
		t.Fatalf("quarantined raw %s does not hold the conflicting version", raw)
	}

	// Two versions of one id inside a single page are a conflict too: one
	// is staged, the other quarantined, none silently dropped.
	a, b := record("t-5", 5000), record("t-5", 5001)
	fourth, err := st.StagePage(ctx, c.ID, "agg", provider.Page{Records: []provider.Record{a, b}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.PageResult{Received: 2, Inserted: 1, Conflicts: 1}); fourth != want {
		t.Fatalf("in-page conflict: %+v, want %+v", fourth, want)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM quarantine WHERE cycle_id = $1 AND reason = 'CONFLICTING_DUPLICATE'
		AND record_key LIKE 't-5@%'`, c.ID); n != 1 {
		t.Fatalf("in-page conflict: %d quarantined, want 1", n)
	}

	counts, err := st.Counts(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Staged != 5 || counts.Conflicts != 2 || counts.FormatRejects != 1 ||
		counts.ByReason["CONFLICTING_DUPLICATE"] != 2 || counts.ByReason[provider.ReasonBadType] != 1 {
		t.Fatalf("counts %+v, want 5 staged, 2 conflicts, 1 format reject", counts)
	}

	// Other sources and other cycles do not collide with this one.
	other := newCycle(t, ctx, st)
	if res, err := st.StagePage(ctx, other.ID, "agg", page); err != nil || res.Inserted != 3 {
		t.Fatalf("same page for another cycle: %+v %v", res, err)
	}
	if res, err := st.StagePage(ctx, c.ID, "other-source", page); err != nil || res.Inserted != 3 {
		t.Fatalf("same page for another source: %+v %v", res, err)
	}

	// Discarding (the pull's compensation) removes one source's rows only.
	removed, err := st.DiscardStaging(ctx, c.ID, "agg")
	if err != nil || removed != 5 {
		t.Fatalf("discard: removed %d err %v, want 5", removed, err)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM staged_transactions WHERE cycle_id = $1`, c.ID); n != 3 {
		t.Fatalf("%d rows left after discarding agg, want other-source's 3", n)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM quarantine WHERE cycle_id = $1 AND source = 'agg'`, c.ID); n != 0 {
		t.Fatalf("%d quarantine rows of agg left after discard", n)
	}
}

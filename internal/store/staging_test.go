package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

func bet(id string, amount int64) record.Record {
	return rec(id, "bet", "", amount, "KRW", periodStart.Add(time.Hour))
}

func rec(id, typ, ref string, amount int64, currency string, at time.Time) record.Record {
	r := record.Record{Kind: record.KindProvider, ExternalID: id, ReferenceID: ref, Player: "p-1", Type: typ,
		Amount: amount, Currency: currency, OccurredAt: at,
		Attrs: []record.Attr{{Key: "game_code", Value: "slot"}, {Key: "round_id", Value: "r-" + id}}}
	r.Hash = record.ComputeHash(&r)
	return r
}

// stage stages the pages as one batch of slice 0.
func stage(t *testing.T, ctx context.Context, st *store.Store, c store.Cycle, source string, pages ...store.StagedPage) store.BatchResult {
	t.Helper()
	i := 0
	res, err := st.StageBatch(ctx, store.Batch{CycleID: c.ID, Scope: c.Scope, Source: source}, func() (*store.StagedPage, error) {
		if i == len(pages) {
			return nil, nil
		}
		i++
		return &pages[i-1], nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// newStagedCycle is a cycle with its staging partition.
func newStagedCycle(t testing.TB, ctx context.Context, st *store.Store) store.Cycle {
	t.Helper()
	c := newCycle(t, ctx, st)
	if err := st.CreateStaging(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateStaging(ctx, c.ID); err != nil {
		t.Fatalf("creating staging twice: %v", err)
	}
	return c
}

// A page delivered twice stages its records once; a format reject is
// quarantined once; of two versions of one id, the one delivered first
// stays — whether the other came on a later page or on the same one — and
// each other version is quarantined once as a conflicting duplicate.
func TestFinishSourceResolvesDuplicates(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newStagedCycle(t, ctx, st)

	page := store.StagedPage{Number: 0,
		Records: []record.Record{bet("t-1", 1000), bet("t-2", 2000), bet("t-3", 3000)},
		Rejects: []record.Reject{{Index: 3, Reason: "FORMAT_BAD_TYPE", Detail: "type", Raw: []byte(`{"type":"bonus"}`)}},
	}
	if res := stage(t, ctx, st, c, "agg", page); res != (store.BatchResult{Pages: 1, Records: 3, Rejects: 1}) {
		t.Fatalf("first delivery: %+v", res)
	}
	if res := stage(t, ctx, st, c, "agg", page); res != (store.BatchResult{Pages: 1, Records: 3, Rejects: 0}) {
		t.Fatalf("second delivery: %+v", res)
	}
	later := bet("t-2", 2500)
	sameFirst, sameSecond := bet("t-5", 500), bet("t-5", 700)
	stage(t, ctx, st, c, "agg", store.StagedPage{Number: 1, Records: []record.Record{later, bet("t-4", 4000), later}},
		store.StagedPage{Number: 2, Records: []record.Record{sameFirst, sameSecond}})

	res, err := st.FinishSource(ctx, c.ID, "agg")
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.SourceStaged{Staged: 5, Removed: 6, Conflicts: 2}); res != want {
		t.Fatalf("finish: %+v, want %+v", res, want)
	}
	again, err := st.FinishSource(ctx, c.ID, "agg")
	if err != nil || again != (store.SourceStaged{Staged: 5, Conflicts: 2}) {
		t.Fatalf("finishing again: %+v %v", again, err)
	}
	for id, want := range map[string]int64{"t-2": 2000, "t-5": 500} {
		var amount int64
		if err := st.Pool.QueryRow(ctx, `SELECT amount FROM staged_records WHERE cycle_id = $1 AND external_id = $2`, c.ID, id).
			Scan(&amount); err != nil {
			t.Fatal(err)
		}
		if amount != want {
			t.Errorf("staged %s amount %d, want the first delivered %d", id, amount, want)
		}
	}
	var key string
	var raw []byte
	if err := st.Pool.QueryRow(ctx, `SELECT record_key, raw FROM quarantine WHERE cycle_id = $1 AND stage = 'duplicate'
		AND reason = 'CONFLICTING_DUPLICATE' AND record_key LIKE 't-2@%'`, c.ID).Scan(&key, &raw); err != nil {
		t.Fatalf("conflicting t-2 not quarantined: %v", err)
	}
	var kept struct {
		Amount int64 `json:"amount"`
	}
	if err := json.Unmarshal(raw, &kept); err != nil || kept.Amount != 2500 || key != "t-2@"+later.Hash.String() {
		t.Fatalf("quarantined %s %s (%v), want the 2500 version", key, raw, err)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM quarantine WHERE cycle_id = $1 AND stage = 'format'`, c.ID); n != 1 {
		t.Fatalf("%d format rejects quarantined after the page came twice, want 1", n)
	}
}

// A reject whose id or detail Postgres text cannot hold is quarantined
// under the hash of its raw bytes, with the bytes kept as received.
func TestStageBatchKeepsUnstorableRejects(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newStagedCycle(t, ctx, st)
	raw := []byte("{\"transaction_id\":\"t-\xff\x00\"}")
	stage(t, ctx, st, c, "agg", store.StagedPage{Records: []record.Record{bet("t-1", 1)},
		Rejects: []record.Reject{{ExternalID: "t-\xff\x00", Reason: "FORMAT_BAD_ENCODING", Detail: "id \xff", Raw: raw}}})
	var key, detail string
	var got []byte
	if err := st.Pool.QueryRow(ctx, `SELECT record_key, detail, raw FROM quarantine WHERE cycle_id = $1`, c.ID).
		Scan(&key, &detail, &got); err != nil {
		t.Fatal(err)
	}
	if string(got) != string(raw) || key[:7] != "sha256:" || detail != `"id \xff"` {
		t.Fatalf("quarantined %q %q %q", key, detail, got)
	}
}

// Dropping staging removes the partition and its quarantine; it is safe to
// repeat.
func TestDropStaging(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	c := newStagedCycle(t, ctx, st)
	stage(t, ctx, st, c, "agg", store.StagedPage{Records: []record.Record{bet("t-1", 1)},
		Rejects: []record.Reject{{ExternalID: "x", Reason: "FORMAT_BAD_TYPE", Raw: []byte(`{}`)}}})
	for range 2 {
		if err := st.DropStaging(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM quarantine WHERE cycle_id = $1`, c.ID); n != 0 {
		t.Fatalf("%d quarantined rows left", n)
	}
	if n := count(t, ctx, st, `SELECT count(*) FROM pg_class WHERE relname = $1`, store.StagingTable(c.ID)[0]); n != 0 {
		t.Fatal("partition left behind")
	}
}

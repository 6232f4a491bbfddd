package store_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// Accepted amounts whose sum passes int64 stop validation with an error
// naming the record that takes the total over, its field and currency; a
// rejected record's amount does not count, and nothing is saved.
func TestValidateOverflowNamesTheRecord(t *testing.T) {
	t.Parallel()
	half := int64(math.MaxInt64/2 + 1)
	ctx, st, c := stagedDay(t, func(day time.Time) []record.Record {
		return []record.Record{
			rec("b-1", "bet", "", half, "USD", day.Add(time.Hour)),
			rec("b-bad", "bet", "", half, "XXX", day.Add(2*time.Hour)), // unknown currency: rejected
			rec("b-2", "bet", "", half, "USD", day.Add(3*time.Hour)),
			rec("b-3", "bet", "", 5, "USD", day.Add(4*time.Hour)),
		}
	})
	_, err := st.Validate(ctx, params(c))
	if !errors.Is(err, store.ErrOverflow) {
		t.Fatalf("err = %v, want an overflow", err)
	}
	for _, want := range []string{`source agg record "b-2"`, "field amount 4611686018427387904 USD", "USD bet total to 9223372036854775808"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	var totals int64
	if err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM cycle_totals WHERE cycle_id = $1`, c.ID).Scan(&totals); err != nil || totals != 0 {
		t.Errorf("%d totals saved (%v), want none", totals, err)
	}
}

// A known currency the agreement does not cover is quarantined for that
// record alone, saying what the agreement covers; the rest is accepted.
func TestValidateQuarantinesUncoveredCurrency(t *testing.T) {
	t.Parallel()
	ctx, st, c := stagedDay(t, func(day time.Time) []record.Record {
		return []record.Record{
			rec("b-1", "bet", "", 100, "USD", day.Add(time.Hour)),
			rec("b-2", "bet", "", 100, uncovered, day.Add(2*time.Hour)),
		}
	})
	pass, err := st.Validate(ctx, params(c))
	if err != nil {
		t.Fatal(err)
	}
	if pass.Accepted != 1 || pass.Rejected != 1 {
		t.Errorf("pass %+v, want one accepted and one rejected", pass)
	}
	var id, reason, detail string
	err = st.Pool.QueryRow(ctx, `SELECT record_key, reason, detail FROM quarantine WHERE cycle_id = $1`, c.ID).Scan(&id, &reason, &detail)
	if err != nil {
		t.Fatal(err)
	}
	if id != "b-2" || reason != "CURRENCY_NOT_COVERED" || detail != "currency JPY is not covered by the agreement of this source's partner (it covers EUR, KRW, USD)" {
		t.Errorf("quarantined %s %s %q", id, reason, detail)
	}
}

// stagedDay is a fresh database holding one running cycle of a day with
// the records of source agg staged and finished.
func stagedDay(t *testing.T, records func(day time.Time) []record.Record) (context.Context, *store.Store, store.Cycle) {
	t.Helper()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	c := cycleOf(t, ctx, st, "s-"+uuid.NewString()[:8], day, "running")
	stage(t, ctx, st, c, "agg", store.StagedPage{Records: records(day)})
	if _, err := st.FinishSource(ctx, c.ID, "agg"); err != nil {
		t.Fatal(err)
	}
	return ctx, st, c
}

package store_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/internal/validate"
)

var known = []string{"EUR", "KRW", "USD"}

// uncovered is a known currency the test agreement of source agg does not
// cover.
const uncovered = "JPY"

// cycleOf creates a staged cycle of scope for the day starting at start.
func cycleOf(t *testing.T, ctx context.Context, st *store.Store, scope string, start time.Time, status string) store.Cycle {
	t.Helper()
	id := uuid.New()
	c, err := st.CreateCycle(ctx, store.Cycle{ID: id, WorkflowID: "settle/" + scope + "/" + id.String(), Scope: scope,
		PeriodKey: start.Format(time.DateOnly), PeriodStart: start, PeriodEnd: start.Add(24 * time.Hour), Revision: 1, Status: status})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateStaging(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	return c
}

func params(c store.Cycle) store.ValidateParams {
	return store.ValidateParams{CycleID: c.ID, Scope: c.Scope, PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd,
		Currencies: append(slices.Clone(known), uncovered), RollbackSources: []string{"agg"}, Covered: map[string][]string{"agg": known}}
}

// The SQL validation agrees with validate.CheckAll, the rules stated in
// Go, on a random cycle holding every case: records breaking rules alone,
// rollbacks of this cycle's bets (accepted, rejected, mismatched, doubled),
// of bets settled in an earlier period (once cancelled or not), orphans,
// and ids an earlier period already settled. The totals it stores are the
// accepted records' sums.
func TestValidateAgreesWithRules(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	st, _ := testenv.Database(t)
	scope := "s-" + uuid.NewString()[:8]
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(7, 11))

	earlier := cycleOf(t, ctx, st, scope, day.Add(-24*time.Hour), "completed")
	old := randomRecords(rng, "old", day.Add(-24*time.Hour), nil, 400)
	stage(t, ctx, st, earlier, "agg", store.StagedPage{Records: old})
	if _, err := st.FinishSource(ctx, earlier.ID, "agg"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Validate(ctx, params(earlier)); err != nil {
		t.Fatal(err)
	}
	settled := settledOf(t, ctx, st, earlier)

	c := cycleOf(t, ctx, st, scope, day, "running")
	now := randomRecords(rng, "now", day, old, 3000)
	stage(t, ctx, st, c, "agg", store.StagedPage{Records: now[:1500]}, store.StagedPage{Number: 1, Records: now[1500:]})
	if _, err := st.FinishSource(ctx, c.ID, "agg"); err != nil {
		t.Fatal(err)
	}
	pass, err := st.Validate(ctx, params(c))
	if err != nil {
		t.Fatal(err)
	}
	again, err := st.Validate(ctx, params(c))
	if err != nil || again != pass {
		t.Fatalf("validating again: %+v %v, first %+v", again, err, pass)
	}

	rules := validate.Rules{PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd,
		KnownCurrency:    func(code string) bool { return code == uncovered || slices.Contains(known, code) },
		Covered:          func(_, code string) bool { return slices.Contains(known, code) },
		SettledElsewhere: func(_, id string) (string, bool) { _, ok := settled[id]; return earlier.PeriodKey, ok },
		EarlierBet: func(_, id string) (validate.SettledBet, bool) {
			r, ok := settled[id]
			return validate.SettledBet{Amount: r.Amount, Currency: r.Currency, Cancelled: cancelled(settled, id)}, ok && r.Type == "bet"
		},
		RollbackSources: func(s string) bool { return s == "agg" },
	}
	var txns []validate.Txn
	for i, r := range now {
		at := r.OccurredAt
		if b := r.Attr(record.AttrBookedAt); b != "" {
			at, _ = time.Parse(time.RFC3339, b)
		}
		txns = append(txns, validate.Txn{Source: "agg", ID: r.ExternalID, Type: r.Type, Amount: r.Amount,
			Currency: r.Currency, Timestamp: at, RefID: r.ReferenceID, Pos: int64(i)})
	}
	want := map[string]bool{}
	for _, r := range rules.CheckAll(txns) {
		want[r.TransactionID+" "+r.Reason] = true
	}
	got := map[string]bool{}
	rows, err := st.Pool.Query(ctx, `SELECT record_key || ' ' || reason FROM quarantine WHERE cycle_id = $1 AND stage = 'rules'`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got[s] = true
	}
	if !maps.Equal(got, want) {
		t.Errorf("SQL rejections differ from the rules:\nonly SQL: %v\nonly rules: %v", only(got, want), only(want, got))
	}
	reasons := map[string]bool{}
	for k := range want {
		reasons[k[len(k)-len(lastWord(k)):]] = true
	}
	for _, r := range []string{validate.UnknownCurrency, validate.NegativeAmount, validate.OutsidePeriod, validate.ResentDuplicate,
		validate.OrphanRollback, validate.RollbackOfRejectedBet, validate.RollbackMismatch, validate.DoubleRollback,
		validate.CurrencyNotCovered} {
		if !reasons[r] {
			t.Errorf("the random cycle never produced %s; the test does not cover it", r)
		}
	}
	requireTotals(t, ctx, st, c, now, want, pass)
}

// randomRecords makes n records of one day: bets, wins and rollbacks, some
// of each breaking a rule, rollbacks naming this batch's bets or prior's.
func randomRecords(rng *rand.Rand, prefix string, day time.Time, prior []record.Record, n int) []record.Record {
	var out, bets []record.Record
	resent := map[string]bool{}
	pick := func(list []record.Record) record.Record { return list[rng.IntN(len(list))] }
	for i := range n {
		at := day.Add(time.Duration(rng.IntN(86400)) * time.Second)
		var booked time.Time
		cur := known[rng.IntN(len(known))]
		amount := int64(1 + rng.IntN(1000))
		id := fmt.Sprintf("%s-%d", prefix, i)
		typ, ref := "bet", ""
		switch k := rng.IntN(100); {
		case k < 45:
		case k < 75:
			typ = "win"
		case len(bets) > 0 && k < 88:
			b := pick(bets)
			typ, ref, amount, cur = "rollback", b.ExternalID, b.Amount, b.Currency
		case len(prior) > 0 && k < 94:
			b := pick(prior)
			typ, ref, amount, cur = "rollback", b.ExternalID, b.Amount, b.Currency
		case len(prior) > 0 && k < 97 && !resent[id]:
			if again := pick(prior).ExternalID; !resent[again] {
				id, resent[again] = again, true // re-sent
			}
		default:
			typ, ref = "rollback", "missing-"+id
		}
		switch k := rng.IntN(100); {
		case k < 3:
			cur = "XXX"
		case k < 6:
			amount = -amount
		case k < 9:
			at = day.Add(-time.Hour)
		case k < 12 && typ == "rollback":
			amount++
		case k < 14 && typ == "rollback":
			cur = known[(slices.Index(known, cur)+1)%len(known)]
		case k < 16 && typ != "rollback":
			cur = uncovered
		case k >= 16 && k < 19: // happened the day before, booked in the period (late): in it
			booked, at = at, at.Add(-24*time.Hour)
		case k >= 19 && k < 21: // happened in the period, booked after it: not in it
			booked = day.Add(25 * time.Hour)
		}
		r := rec(id, typ, ref, amount, cur, at)
		if !booked.IsZero() {
			r.Attrs = append(r.Attrs, record.Attr{Key: record.AttrBookedAt, Value: booked.Format(time.RFC3339)})
			record.SortAttrs(r.Attrs)
			r.Hash = record.ComputeHash(&r)
		}
		out = append(out, r)
		if typ == "bet" {
			bets = append(bets, r)
		}
	}
	return out
}

type settledRec struct {
	record.Record
	cancelled bool
}

// settledOf reads back what a cycle registered, by id.
func settledOf(t *testing.T, ctx context.Context, st *store.Store, c store.Cycle) map[string]settledRec {
	t.Helper()
	rows, err := st.Pool.Query(ctx, `SELECT s.external_id, b.type, b.amount, b.currency,
			EXISTS (SELECT 1 FROM settled_records r WHERE r.cancels = b.key)
		FROM settled_records b JOIN staged_records s ON s.key = b.key AND s.cycle_id = b.cycle_id
		WHERE b.cycle_id = $1`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]settledRec{}
	for rows.Next() {
		var r settledRec
		if err := rows.Scan(&r.ExternalID, &r.Type, &r.Amount, &r.Currency, &r.cancelled); err != nil {
			t.Fatal(err)
		}
		out[r.ExternalID] = r
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		t.Fatalf("registry of cycle %s: %d records, %v", c.ID, len(out), err)
	}
	return out
}

func cancelled(settled map[string]settledRec, id string) bool { return settled[id].cancelled }

// requireTotals checks the stored totals and the pass's counts against
// the records the rules accept.
func requireTotals(t *testing.T, ctx context.Context, st *store.Store, c store.Cycle, recs []record.Record,
	rejected map[string]bool, pass store.ValidationPass) {
	t.Helper()
	isRejected := map[string]bool{}
	for k := range rejected {
		isRejected[k[:len(k)-len(lastWord(k))-1]] = true
	}
	want := map[string]int64{}
	var accepted int64
	for _, r := range recs {
		if !isRejected[r.ExternalID] {
			want[r.Currency+" "+r.Type] += r.Amount
			accepted++
		}
	}
	got := map[string]int64{}
	rows, err := st.Pool.Query(ctx, `SELECT currency || ' ' || type, amount FROM cycle_totals WHERE cycle_id = $1`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var v int64
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		got[k] = v
	}
	if !maps.Equal(got, want) {
		t.Errorf("totals %v, want %v", got, want)
	}
	if pass.Accepted != accepted || pass.Rejected != int64(len(isRejected)) || pass.Staged != int64(len(recs)) {
		t.Errorf("pass %+v, want %d accepted, %d rejected of %d", pass, accepted, len(isRejected), len(recs))
	}
}

func only(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func lastWord(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ' ' {
			return s[i+1:]
		}
	}
	return s
}

package testenv

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/workflows"
)

// ReconciledCycle is a reconciled cycle of its own scope with ten breaks
// between a provider "agg" and a wallet "wallet", all bets of 1000 KRW: four
// amount mismatches (the wallet says 900), three currency mismatches (it
// says USD) and three bets missing in the wallet. Values are in KRW.
func ReconciledCycle(tb testing.TB, ctx context.Context, st *store.Store) store.Cycle {
	tb.Helper()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	id := uuid.New()
	// The workflow ID is the one its scope and period make, so the API's
	// and the console's /cycles/{scope}/{period} paths name the cycle.
	scope := "s-" + id.String()[:8]
	c, err := st.CreateCycle(ctx, store.Cycle{ID: id, WorkflowID: workflows.WorkflowID(scope, "2026-11-01"), Scope: scope,
		PeriodKey: "2026-11-01", PeriodStart: day, PeriodEnd: day.Add(24 * time.Hour), Revision: 1, Status: "running"})
	if err != nil {
		tb.Fatal(err)
	}
	if err := st.CreateStaging(ctx, c.ID); err != nil {
		tb.Fatal(err)
	}
	rec := func(kind, id, ref, typ string, amount int64, cur string) record.Record {
		r := record.Record{Kind: kind, ExternalID: id, ReferenceID: ref, Player: "p", Type: typ, Amount: amount, Currency: cur,
			OccurredAt: day.Add(time.Hour)}
		r.Hash = record.ComputeHash(&r)
		return r
	}
	var provider, wallet []record.Record
	for i := range 10 {
		p, w := fmt.Sprintf("t-%d", i), fmt.Sprintf("w-%d", i)
		provider = append(provider, rec(record.KindProvider, p, "", "bet", 1000, "KRW"))
		switch i % 3 {
		case 0:
			wallet = append(wallet, rec(record.KindWallet, w, p, "bet_debit", 900, "KRW"))
		case 1:
			wallet = append(wallet, rec(record.KindWallet, w, p, "bet_debit", 1000, "USD"))
		}
	}
	stageAll(tb, ctx, st, c, "agg", provider)
	stageAll(tb, ctx, st, c, "wallet", wallet)
	pair := recon.Pair{Name: "games", Left: recon.Side{Source: "agg", Key: recon.KeyExternalID}, Right: recon.Side{Source: "wallet", Key: recon.KeyReferenceID},
		Shape: recon.OneToOne, Types: []recon.TypeMap{{Left: "bet", Right: "bet_debit"}}, Compare: recon.Fields{Amount: true, Currency: true},
		Authoritative: recon.Left, Require: []string{recon.Left, recon.Right}}
	cfg := recon.Config{ReportingCurrency: "KRW", Gate: recon.Gate{Action: recon.GateApprove}, Pairs: []recon.Pair{pair}}
	if _, err := st.Reconcile(ctx, store.ReconcileParams{CycleID: c.ID, Scope: c.Scope, PeriodStart: day, Config: cfg, Rates: cfg.RateTable(nil)}); err != nil {
		tb.Fatal(err)
	}
	return c
}

// stageAll stages records as one page of one batch.
func stageAll(tb testing.TB, ctx context.Context, st *store.Store, c store.Cycle, source string, recs []record.Record) {
	tb.Helper()
	done := false
	_, err := st.StageBatch(ctx, store.Batch{CycleID: c.ID, Scope: c.Scope, Source: source}, func() (*store.StagedPage, error) {
		if done {
			return nil, nil
		}
		done = true
		return &store.StagedPage{Records: recs}, nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// ExportRows is discrepancy export of a cycle (workflow or cycle ID), read
// back as CSV rows, header first.
func ExportRows(tb testing.TB, ctx context.Context, st *store.Store, cycle string) [][]string {
	tb.Helper()
	_, list, err := platform.ListDiscrepancies(ctx, st, platform.BreakQuery{Cycle: cycle})
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := platform.WriteDiscrepanciesCSV(&buf, list); err != nil {
		tb.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return rows
}

// RequireBalanced checks a cycle's journal holds the given number of
// adjustment entries and balances in every currency.
func RequireBalanced(tb testing.TB, ctx context.Context, st *store.Store, cycleID uuid.UUID, adjustments int) {
	tb.Helper()
	ids, err := st.EntriesOfKind(ctx, cycleID, ledger.KindAdjustment)
	if err != nil || len(ids) != adjustments {
		tb.Fatalf("%d adjustment entries (%v), want %d", len(ids), err, adjustments)
	}
	lines, err := st.CycleLines(ctx, cycleID)
	if err != nil {
		tb.Fatal(err)
	}
	for cur, sum := range ledger.Balance(lines) {
		if sum != 0 {
			tb.Errorf("the journal of cycle %s is off by %d %s", cycleID, sum, cur)
		}
	}
}

// RequireAccounted counts, independently of the matching, the staged
// records each side of pair selects and checks they equal the matched ones,
// the unpaired ones, those a rejection accounts for and those the pair's
// breaks name, with no record in two breaks and every record validation
// rejected among those the rejections account for.
func RequireAccounted(tb testing.TB, ctx context.Context, st *store.Store, cycleID uuid.UUID, p recon.Pair) {
	tb.Helper()
	count := func(query string, args ...any) int64 {
		tb.Helper()
		var n int64
		if err := st.Pool.QueryRow(ctx, query, args...).Scan(&n); err != nil {
			tb.Fatalf("%s: %v", query, err)
		}
		return n
	}
	for _, side := range []struct {
		name  string
		s     recon.Side
		types []string
	}{{recon.Left, p.Left, p.LeftTypes()}, {recon.Right, p.Right, p.RightTypes()}} {
		selected := count(`SELECT count(*) FROM staged_records WHERE cycle_id = $1 AND source = $2 AND type = ANY($3)
			AND attrs @> $4::jsonb`, cycleID, side.s.Source, side.types, whereJSON(side.s))
		quarantined := count(`SELECT count(*) FROM staged_records s WHERE cycle_id = $1 AND source = $2 AND type = ANY($3)
			AND attrs @> $4::jsonb AND EXISTS (SELECT 1 FROM quarantine q WHERE q.cycle_id = s.cycle_id AND q.stage = 'rules'
			AND q.source = s.source AND q.record_key = s.external_id)`, cycleID, side.s.Source, side.types, whereJSON(side.s))
		ids := side.name + "_ids"
		inBreaks := count(`SELECT count(*) FROM discrepancies, unnest(`+ids+`) WHERE cycle_id = $1 AND pair = $2`, cycleID, p.Name)
		distinct := count(`SELECT count(DISTINCT x) FROM discrepancies, unnest(`+ids+`) x WHERE cycle_id = $1 AND pair = $2`, cycleID, p.Name)
		var t store.SideTally
		err := st.Pool.QueryRow(ctx, `SELECT coalesce(sum(`+side.name+`_records), 0), coalesce(sum(`+side.name+`_matched), 0),
			coalesce(sum(`+side.name+`_unpaired), 0), coalesce(sum(`+side.name+`_rejected), 0)
			FROM recon_tallies WHERE cycle_id = $1 AND pair = $2`, cycleID, p.Name).Scan(&t.Records, &t.Matched, &t.Unpaired, &t.Rejected)
		if err != nil {
			tb.Fatal(err)
		}
		if inBreaks != distinct {
			tb.Errorf("%s %s: %d records in breaks, %d distinct: a record is in two breaks", p.Name, side.name, inBreaks, distinct)
		}
		if t.Records != selected || t.Matched+t.Unpaired+t.Rejected+inBreaks != selected {
			tb.Errorf("%s %s: %d staged; tallies %+v and %d in breaks", p.Name, side.name, selected, t, inBreaks)
		}
		if t.Rejected < quarantined {
			tb.Errorf("%s %s: %d records rejected, only %d accounted for by rejections", p.Name, side.name, quarantined, t.Rejected)
		}
	}
}

func whereJSON(s recon.Side) string {
	data, _ := json.Marshal(s.Where) // a map of strings always encodes
	if s.Where == nil {
		return "{}"
	}
	return string(data)
}

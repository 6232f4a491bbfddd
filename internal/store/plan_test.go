package store

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/record"
)

// A backfill settles consecutive periods back to back, faster than the
// database refreshes statistics on its own. Each period's rollbacks include
// some of the previous period's bets (placed just before the cut-off). The
// lookups into earlier periods must not depend on statistics: with the
// registry's still saying it is empty, the plan of the last period's
// rollback decisions reads the registry by key only, never whole, and
// every cross-period rollback is accepted.
func TestBackfillWithStaleStatistics(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st := testStore(t)
	// Statistics as of an empty registry, and nobody to refresh them.
	if _, err := st.Pool.Exec(ctx, `ALTER TABLE settled_records SET (autovacuum_enabled = false);
		ANALYZE settled_records`); err != nil {
		t.Fatal(err)
	}
	scope, day := "backfill", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var prevBets []record.Record
	var last Cycle
	for d := range 4 {
		start := day.Add(time.Duration(d) * 24 * time.Hour)
		c := backfillCycle(t, ctx, st, scope, start)
		recs, bets := backfillDay(d, start, prevBets)
		stageRecords(t, ctx, st, c, recs)
		p := ValidateParams{CycleID: c.ID, Scope: scope, PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd,
			Currencies: []string{"KRW"}, RollbackSources: []string{"agg"}}
		pass, err := st.Validate(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if pass.Rejected != 0 || pass.Accepted != int64(len(recs)) {
			t.Fatalf("day %d: %+v; want every record, cross-period rollbacks included, accepted", d, pass)
		}
		if _, err := st.Pool.Exec(ctx, `UPDATE cycles SET status = $2 WHERE id = $1`, c.ID, lifecycle.StatusCompleted); err != nil {
			t.Fatal(err)
		}
		prevBets, last = bets, c
	}
	requireKeyedPlan(t, ctx, st, last)
}

// backfillCycle opens one daily cycle with its staging.
func backfillCycle(t *testing.T, ctx context.Context, st *Store, scope string, start time.Time) Cycle {
	t.Helper()
	id := uuid.New()
	c, err := st.CreateCycle(ctx, Cycle{ID: id, WorkflowID: "settle/" + scope + "/" + start.Format(time.DateOnly), Scope: scope,
		PeriodKey: start.Format(time.DateOnly), PeriodStart: start, PeriodEnd: start.Add(24 * time.Hour), Revision: 1,
		Status: lifecycle.StatusRunning})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateStaging(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	return c
}

// backfillDay is one day of 6,000 bets, each fifth rolled back the same
// day, and a rollback of every tenth bet of the day before.
func backfillDay(d int, start time.Time, prevBets []record.Record) (recs, bets []record.Record) {
	mk := func(id, typ, ref string, amount int64, at time.Time) record.Record {
		r := record.Record{Kind: record.KindProvider, ExternalID: id, ReferenceID: ref, Player: "p", Type: typ,
			Amount: amount, Currency: "KRW", OccurredAt: at}
		r.Hash = record.ComputeHash(&r)
		return r
	}
	for i := range 6000 {
		b := mk(fmt.Sprintf("d%d-b%d", d, i), "bet", "", int64(100+i), start.Add(time.Duration(i)*time.Second))
		bets = append(bets, b)
		recs = append(recs, b)
		if i%5 == 0 {
			recs = append(recs, mk(fmt.Sprintf("d%d-r%d", d, i), "rollback", b.ExternalID, b.Amount, b.OccurredAt.Add(time.Second)))
		}
	}
	for i := 1; i < len(prevBets); i += 10 {
		b := prevBets[i]
		recs = append(recs, mk(fmt.Sprintf("d%d-late-r%d", d, i), "rollback", b.ExternalID, b.Amount, start.Add(time.Minute)))
	}
	return recs, bets
}

func stageRecords(t *testing.T, ctx context.Context, st *Store, c Cycle, recs []record.Record) {
	t.Helper()
	page := &StagedPage{Records: recs}
	_, err := st.StageBatch(ctx, Batch{CycleID: c.ID, Scope: c.Scope, Source: "agg"}, func() (*StagedPage, error) {
		p := page
		page = nil
		return p, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.FinishSource(ctx, c.ID, "agg"); err != nil {
		t.Fatal(err)
	}
}

// requireKeyedPlan explains the statements of cycle c's validation and
// fails if any plan node reads the registry whole.
func requireKeyedPlan(t *testing.T, ctx context.Context, st *Store, c Cycle) {
	t.Helper()
	table := StagingTable(c.ID).Sanitize()
	known, sources, none := []string{"KRW"}, []string{"agg"}, []uuid.UUID{}
	err := pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error {
		if err := createCoverage(ctx, tx, nil); err != nil {
			return err
		}
		statements := []struct {
			name string
			sql  string
			args []any
		}{
			{"rollback decisions", rollbackDecisionsSQL(table), []any{c.Scope, c.PeriodStart, c.PeriodEnd, known, sources, c.ID, none}},
			{"registration", registerSQL(table), []any{c.ID, c.PeriodStart, c.PeriodEnd, known, none}},
			{"quarantine", quarantineRulesSQL(table), []any{c.ID, c.Scope, c.PeriodStart, c.PeriodEnd, known}},
			{"totals", acceptedTotalsSQL(table), []any{c.ID, c.Scope, c.PeriodStart, c.PeriodEnd, known}},
		}
		for i, s := range statements {
			requireNoRegistryScan(t, ctx, tx, s.name, s.sql, s.args)
			if i == 0 { // the later statements read the decisions
				if _, err := tx.Exec(ctx, s.sql, s.args...); err != nil {
					return err
				}
			}
		}
		return pgx.ErrTxClosed // roll back
	})
	if err != nil && err != pgx.ErrTxClosed {
		t.Fatal(err)
	}
}

func requireNoRegistryScan(t *testing.T, ctx context.Context, tx pgx.Tx, name, sql string, args []any) {
	t.Helper()
	var plan []byte
	if err := tx.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+sql, args...).Scan(&plan); err != nil {
		t.Fatalf("explain %s: %v", name, err)
	}
	var nodes []map[string]any
	if err := json.Unmarshal(plan, &nodes); err != nil {
		t.Fatal(err)
	}
	for _, n := range flatten(nodes[0]["Plan"].(map[string]any)) {
		if n["Relation Name"] == "settled_records" && n["Node Type"] == "Seq Scan" {
			t.Errorf("%s reads the registry whole, not by key:\n%s", name, plan)
		}
	}
}

func flatten(n map[string]any) []map[string]any {
	out := []map[string]any{n}
	kids, _ := n["Plans"].([]any)
	for _, k := range kids {
		out = append(out, flatten(k.(map[string]any))...)
	}
	return out
}

// testStore is a fresh, migrated database for an in-package test (the
// shared test environment imports this package, so it cannot be used here).
func testStore(t *testing.T) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	server := os.Getenv("SETTLEFLOW_TEST_DATABASE_URL")
	if server == "" {
		server = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	url, err := WithDatabase(server, "settleflow_test_"+strings.ReplaceAll(uuid.NewString()[:13], "-", ""))
	if err != nil {
		t.Fatal(err)
	}
	if err := EnsureDatabase(ctx, url); err != nil {
		t.Fatal(err)
	}
	st, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		st.Close()
		if err := DropDatabase(context.Background(), url); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

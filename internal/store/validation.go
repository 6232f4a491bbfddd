package store

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ValidateParams are the rules of validate.Rules as the SQL takes them.
type ValidateParams struct {
	CycleID     uuid.UUID
	Scope       string
	PeriodStart time.Time
	PeriodEnd   time.Time
	// Currencies are the known currency codes.
	Currencies []string
	// RollbackSources are the sources whose rollbacks cancel bets.
	RollbackSources []string
	// Supersedes are the cycles of the same period this one settles again:
	// the ids they settled are not re-sent ones.
	Supersedes []uuid.UUID
	// Covered maps a source to the currencies its partner's agreement
	// covers; a source it lacks is not restricted.
	Covered map[string][]string
}

// ValidationPass is what one validation pass found.
type ValidationPass struct {
	Staged   int64 // records looked at
	Accepted int64
	Rejected int64 // records breaking at least one rule
}

// Validate applies the business rules to every staged record of the cycle
// in one transaction: it decides the rollbacks, registers the records that
// pass as settled by this cycle (the registry's unique key finds the ids
// another cycle settled first), then in one pass over the records
// quarantines each rule a record breaks and sums the accepted ones per
// source, currency and type into cycle_totals, which split and approval
// read instead of the records. A record is accepted when quarantine holds
// no rule rejection for it; nothing is written for it in staging. Running
// it again gives the same result.
func (s *Store) Validate(ctx context.Context, p ValidateParams) (ValidationPass, error) {
	var res ValidationPass
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, bigWorkMem); err != nil {
			return err
		}
		table := StagingTable(p.CycleID).Sanitize()
		if err := createCoverage(ctx, tx, p.Covered); err != nil {
			return err
		}
		superseded := append([]uuid.UUID{}, p.Supersedes...) // never a NULL array
		if _, err := tx.Exec(ctx, rollbackDecisionsSQL(table),
			p.Scope, p.PeriodStart, p.PeriodEnd, p.Currencies, p.RollbackSources, p.CycleID, superseded); err != nil {
			return fmt.Errorf("decide rollbacks: %w", err)
		}
		// A new table has no statistics: without them the joins below
		// would hash the cycle's records instead of the few decisions.
		if _, err := tx.Exec(ctx, `ANALYZE rollback_decisions`); err != nil {
			return fmt.Errorf("analyze rollback decisions: %w", err)
		}
		if err := register(ctx, tx, table, p, superseded); err != nil {
			return err
		}
		pass := []any{p.CycleID, p.Scope, p.PeriodStart, p.PeriodEnd, p.Currencies}
		if _, err := tx.Exec(ctx, quarantineRulesSQL(table), pass...); err != nil {
			return fmt.Errorf("quarantine rejects: %w", err)
		}
		rows, err := tx.Query(ctx, acceptedTotalsSQL(table), pass...)
		if err != nil {
			return fmt.Errorf("check records: %w", err)
		}
		groups, err := pgx.CollectRows(rows, scanTotalsGroup)
		if err != nil {
			return fmt.Errorf("check records: %w", err)
		}
		var over *totalsGroup
		if res, over = countGroups(groups); over != nil {
			return overflowAt(ctx, tx, p.CycleID, *over)
		}
		return saveTotals(ctx, tx, p.CycleID, groups)
	})
	if err != nil {
		return ValidationPass{}, fmt.Errorf("validate cycle %s: %w", p.CycleID, err)
	}
	return res, nil
}

// totalsGroup is one (source, currency, type) group of the pass.
type totalsGroup struct {
	source, currency, typ string
	accepted, rejected    int64
	sum                   big.Int
}

func scanTotalsGroup(r pgx.CollectableRow) (totalsGroup, error) {
	var g totalsGroup
	var sum string
	err := r.Scan(&g.source, &g.currency, &g.typ, &g.accepted, &sum, &g.rejected)
	if err == nil {
		if _, ok := g.sum.SetString(sum, 10); !ok {
			err = fmt.Errorf("sum %q of %s %s %s is not an integer", sum, g.source, g.currency, g.typ)
		}
	}
	return g, err
}

// countGroups counts the pass and returns the first group whose accepted
// sum does not fit in int64 minor units, if any.
func countGroups(groups []totalsGroup) (ValidationPass, *totalsGroup) {
	var res ValidationPass
	for i, g := range groups {
		res.Accepted += g.accepted
		res.Rejected += g.rejected
		if !g.sum.IsInt64() {
			return res, &groups[i]
		}
	}
	res.Staged = res.Accepted + res.Rejected
	return res, nil
}

// overflowAt explains a group whose sum cannot be settled: no record is
// wrong on its own, so the error names the accepted record, in delivery
// order, that takes the running total past what int64 minor units hold.
func overflowAt(ctx context.Context, tx pgx.Tx, cycleID uuid.UUID, g totalsGroup) error {
	var id, running string
	var amount int64
	err := tx.QueryRow(ctx, `SELECT external_id, amount, running::text FROM (
		SELECT s.external_id, s.amount, s.pos, sum(s.amount::numeric) OVER (ORDER BY s.pos, s.external_id) AS running
		FROM `+StagingTable(cycleID).Sanitize()+` s
		WHERE s.source = $2 AND s.currency = $3 AND s.type = $4
		  AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.cycle_id = $1 AND q.source = s.source
		                  AND q.record_key = s.external_id AND q.stage = 'rules')) r
		WHERE running > 9223372036854775807 ORDER BY pos, external_id LIMIT 1`,
		cycleID, g.source, g.currency, g.typ).Scan(&id, &amount, &running)
	if err != nil {
		return fmt.Errorf("%w: source %s: accepted %s amounts in %s sum to %s; finding the record that overflows: %v",
			ErrOverflow, g.source, g.typ, g.currency, g.sum.String(), err)
	}
	return fmt.Errorf("%w: source %s record %q: field amount %d %s takes the accepted %s %s total to %s, beyond what 64-bit minor units hold (sum of all: %s)",
		ErrOverflow, g.source, id, amount, g.currency, g.currency, g.typ, running, g.sum.String())
}

// createCoverage puts the currencies each restricted source's agreement
// covers where every statement of validation can read them.
func createCoverage(ctx context.Context, tx pgx.Tx, covered map[string][]string) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE coverage (source text PRIMARY KEY, currencies text[] NOT NULL) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("coverage: %w", err)
	}
	for source, currencies := range covered {
		if _, err := tx.Exec(ctx, `INSERT INTO coverage VALUES ($1, $2)`, source, currencies); err != nil {
			return fmt.Errorf("coverage of %s: %w", source, err)
		}
	}
	return nil
}

// ErrOverflow marks totals that do not fit in int64 minor units.
var ErrOverflow = errors.New("amount overflow")

// saveTotals replaces the cycle's totals with the pass's accepted groups.
func saveTotals(ctx context.Context, tx pgx.Tx, cycleID uuid.UUID, groups []totalsGroup) error {
	if _, err := tx.Exec(ctx, `DELETE FROM cycle_totals WHERE cycle_id = $1`, cycleID); err != nil {
		return fmt.Errorf("clear totals: %w", err)
	}
	var rows [][]any
	for _, g := range groups {
		if g.accepted > 0 {
			rows = append(rows, []any{cycleID, g.source, g.currency, g.typ, g.accepted, g.sum.Int64()})
		}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"cycle_totals"},
		[]string{"cycle_id", "source", "currency", "type", "count", "amount"}, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("save totals: %w", err)
	}
	return nil
}

// register enters the cycle's records into the registry. Almost always no
// key is there yet, and a plain insert is twice as fast as one that checks
// each key for a conflict first; when one is (a re-sent id, or validation
// run again), the plain insert fails on the unique key and the insert that
// handles conflicts runs instead.
func register(ctx context.Context, tx pgx.Tx, table string, p ValidateParams, superseded []uuid.UUID) error {
	args := []any{p.CycleID, p.PeriodStart, p.PeriodEnd, p.Currencies, superseded}
	err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error {
		_, err := sp.Exec(ctx, registerNewSQL(table), args[:4]...)
		return err
	})
	if isUniqueViolation(err, "settled_records_pkey") {
		_, err = tx.Exec(ctx, registerSQL(table), args...)
	}
	if err != nil {
		return fmt.Errorf("register settled records: %w", err)
	}
	return nil
}

// isUniqueViolation reports a unique_violation (23505) on constraint.
func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == constraint
}

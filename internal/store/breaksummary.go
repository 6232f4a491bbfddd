package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// BreakKind is a cycle's breaks of one kind: how many were found, how many
// are open and what the open ones are worth in the reporting currency.
type BreakKind struct {
	Kind      string
	Found     int64
	Open      int64
	OpenWorth int64 // reporting-currency minor units of the valued open breaks
	Unvalued  int64 // open breaks no rate values
}

// BreakKinds sums a cycle's breaks by kind, the most open worth first.
func (s *Store) BreakKinds(ctx context.Context, cycleID uuid.UUID) ([]BreakKind, error) {
	rows, err := s.Pool.Query(ctx, `SELECT kind, count(*), count(*) FILTER (WHERE status = 'open'),
			coalesce(sum(reporting_amount) FILTER (WHERE status = 'open'), 0)::bigint,
			count(*) FILTER (WHERE status = 'open' AND reporting_amount IS NULL)
		FROM discrepancies WHERE cycle_id = $1 GROUP BY kind ORDER BY 4 DESC, 3 DESC, kind`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("breaks by kind of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[BreakKind])
}

// TopOpenBreaks are a cycle's n most urgent open breaks.
func (s *Store) TopOpenBreaks(ctx context.Context, cycleID uuid.UUID, n int) ([]Discrepancy, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+breakColumns+` FROM discrepancies WHERE cycle_id = $1 AND status = 'open'
		ORDER BY priority, id LIMIT $2`, cycleID, n)
	if err != nil {
		return nil, fmt.Errorf("open breaks of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, scanBreak)
}

// MatchedShare is how many of the records that took part in a cycle's
// reconciliation found their counterpart, and how many took part.
func (s *Store) MatchedShare(ctx context.Context, cycleID uuid.UUID) (matched, records int64, err error) {
	err = s.Pool.QueryRow(ctx, `SELECT coalesce(sum(left_matched + right_matched), 0)::bigint,
			coalesce(sum(left_records + right_records), 0)::bigint
		FROM recon_tallies WHERE cycle_id = $1`, cycleID).Scan(&matched, &records)
	if err != nil {
		return 0, 0, fmt.Errorf("matched share of cycle %s: %w", cycleID, err)
	}
	return matched, records, nil
}

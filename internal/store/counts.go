package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// StagingCounts summarises a cycle's staging and quarantine.
type StagingCounts struct {
	Staged        int64
	Accepted      int64
	Rejected      int64 // staged records refused by rules
	FormatRejects int64 // records refused before staging
	Conflicts     int64 // conflicting duplicates
	ByReason      map[string]int64
}

// Counts returns the cycle's counts from its totals and quarantine, both
// small: the records themselves are not read again.
func (s *Store) Counts(ctx context.Context, cycleID uuid.UUID) (StagingCounts, error) {
	c := StagingCounts{ByReason: map[string]int64{}}
	err := s.Pool.QueryRow(ctx, `SELECT
			(SELECT coalesce(sum(count), 0)::bigint FROM cycle_totals WHERE cycle_id = $1),
			(SELECT count(DISTINCT (source, record_key)) FROM quarantine WHERE cycle_id = $1 AND stage = 'rules')`,
		cycleID).Scan(&c.Accepted, &c.Rejected)
	if err != nil {
		return c, fmt.Errorf("count cycle %s: %w", cycleID, err)
	}
	c.Staged = c.Accepted + c.Rejected
	rows, err := s.Pool.Query(ctx, `SELECT stage, reason, count(*) FROM quarantine WHERE cycle_id = $1 GROUP BY stage, reason`, cycleID)
	if err != nil {
		return c, fmt.Errorf("count quarantine of cycle %s: %w", cycleID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var stage, reason string
		var n int64
		if err := rows.Scan(&stage, &reason, &n); err != nil {
			return c, fmt.Errorf("scan quarantine count: %w", err)
		}
		c.ByReason[reason] += n
		switch stage {
		case "format":
			c.FormatRejects += n
		case "duplicate":
			c.Conflicts += n
		}
	}
	return c, rows.Err()
}

// SourceTotals are one source's accepted amounts in one currency.
type SourceTotals struct {
	Source    string
	Currency  string
	Bets      int64
	Wins      int64
	Rollbacks int64
	Count     int64
}

// AcceptedTotals returns the cycle's accepted totals per source and
// currency, in a stable order, as validation stored them.
func (s *Store) AcceptedTotals(ctx context.Context, cycleID uuid.UUID) ([]SourceTotals, error) {
	rows, err := s.Pool.Query(ctx, `SELECT source, currency,
			coalesce(sum(amount) FILTER (WHERE type = 'bet'), 0)::bigint,
			coalesce(sum(amount) FILTER (WHERE type = 'win'), 0)::bigint,
			coalesce(sum(amount) FILTER (WHERE type = 'rollback'), 0)::bigint,
			sum(count)::bigint
		FROM cycle_totals WHERE cycle_id = $1
		GROUP BY source, currency ORDER BY source, currency`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("totals of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (SourceTotals, error) {
		var t SourceTotals
		err := r.Scan(&t.Source, &t.Currency, &t.Bets, &t.Wins, &t.Rollbacks, &t.Count)
		return t, err
	})
}

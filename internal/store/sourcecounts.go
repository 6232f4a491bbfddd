package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// SourceCount is a count of one source's records of a cycle; Stage and
// Reason are set for rejects (stage format, duplicate or rules).
type SourceCount struct {
	Source string
	Stage  string
	Reason string
	Count  int64
}

// CountsBySource returns the cycle's accepted records per source and its
// rejects per source, stage and reason, from its totals and quarantine.
func (s *Store) CountsBySource(ctx context.Context, cycleID uuid.UUID) (accepted, rejected []SourceCount, err error) {
	rows, err := s.Pool.Query(ctx, `SELECT source, '', '', sum(count)::bigint FROM cycle_totals WHERE cycle_id = $1
		GROUP BY source ORDER BY source`, cycleID)
	if err != nil {
		return nil, nil, fmt.Errorf("accepted by source of cycle %s: %w", cycleID, err)
	}
	if accepted, err = pgx.CollectRows(rows, scanSourceCount); err != nil {
		return nil, nil, fmt.Errorf("accepted by source of cycle %s: %w", cycleID, err)
	}
	rows, err = s.Pool.Query(ctx, `SELECT source, stage, reason, count(*) FROM quarantine WHERE cycle_id = $1
		GROUP BY source, stage, reason ORDER BY source, stage, reason`, cycleID)
	if err != nil {
		return nil, nil, fmt.Errorf("rejects by source of cycle %s: %w", cycleID, err)
	}
	if rejected, err = pgx.CollectRows(rows, scanSourceCount); err != nil {
		return nil, nil, fmt.Errorf("rejects by source of cycle %s: %w", cycleID, err)
	}
	return accepted, rejected, nil
}

func scanSourceCount(r pgx.CollectableRow) (SourceCount, error) {
	var c SourceCount
	err := r.Scan(&c.Source, &c.Stage, &c.Reason, &c.Count)
	return c, err
}

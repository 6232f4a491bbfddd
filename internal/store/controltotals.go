package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/source"
)

// ControlTotal is one line of a source's control totals in a cycle.
type ControlTotal struct {
	Source string
	source.DayTotal
}

// SaveControlTotals replaces what source said it booked in the cycle's
// period, so a retried pull leaves one copy.
func (s *Store) SaveControlTotals(ctx context.Context, cycleID uuid.UUID, src string, totals []source.DayTotal) error {
	rows := make([][]any, len(totals))
	for i, t := range totals {
		rows[i] = []any{cycleID, src, t.Day, t.Currency, t.Type, t.Count, t.Amount}
	}
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM control_totals WHERE cycle_id = $1 AND source = $2`, cycleID, src); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"control_totals"},
			[]string{"cycle_id", "source", "day", "currency", "type", "count", "amount"}, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return fmt.Errorf("save %d control totals of %s for cycle %s: %w", len(totals), src, cycleID, err)
	}
	return nil
}

// ControlTotals returns the cycle's control totals by source, day,
// currency and type.
func (s *Store) ControlTotals(ctx context.Context, cycleID uuid.UUID) ([]ControlTotal, error) {
	rows, err := s.Pool.Query(ctx, `SELECT source, day, currency, type, count, amount FROM control_totals
		WHERE cycle_id = $1 ORDER BY source, day, currency, type`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("control totals of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ControlTotal, error) {
		var t ControlTotal
		err := r.Scan(&t.Source, &t.Day, &t.Currency, &t.Type, &t.Count, &t.Amount)
		return t, err
	})
}

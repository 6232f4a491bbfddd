package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/trend"
)

// SaveFigures stores the cycle's figures and summary as stage 3 computed
// them, replacing an earlier attempt's.
func (s *Store) SaveFigures(ctx context.Context, cycleID uuid.UUID, f trend.Figures, summary string) error {
	data, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode figures of cycle %s: %w", cycleID, err)
	}
	_, err = s.Pool.Exec(ctx, `INSERT INTO cycle_figures (cycle_id, figures, summary) VALUES ($1, $2, $3)
		ON CONFLICT (cycle_id) DO UPDATE SET figures = EXCLUDED.figures, summary = EXCLUDED.summary, computed_at = now()`,
		cycleID, data, summary)
	if err != nil {
		return fmt.Errorf("store figures of cycle %s: %w", cycleID, err)
	}
	return nil
}

// Summary returns the cycle's plain-language summary; ok is false when
// stage 3 never ran for it.
func (s *Store) Summary(ctx context.Context, cycleID uuid.UUID) (string, bool, error) {
	var text string
	err := s.Pool.QueryRow(ctx, `SELECT summary FROM cycle_figures WHERE cycle_id = $1`, cycleID).Scan(&text)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("summary of cycle %s: %w", cycleID, err)
	}
	return text, text != "", nil
}

// TrailingFigures returns the figures of the scope's last n settled
// periods before the given one, oldest first: of each period, its latest
// completed (or since superseded) revision.
func (s *Store) TrailingFigures(ctx context.Context, scope string, before time.Time, n int) ([]trend.Figures, error) {
	settled := []string{lifecycle.StatusCompleted, lifecycle.StatusSuperseded}
	rows, err := s.Pool.Query(ctx, `SELECT figures FROM (
			SELECT DISTINCT ON (c.period_start) c.period_start, f.figures
			FROM cycles c JOIN cycle_figures f ON f.cycle_id = c.id
			WHERE c.scope = $1 AND c.period_start < $2 AND c.status = ANY($3)
			ORDER BY c.period_start DESC, c.revision DESC
			LIMIT $4) last
		ORDER BY period_start`, scope, before, settled, n)
	if err != nil {
		return nil, fmt.Errorf("trailing figures of %s: %w", scope, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (trend.Figures, error) {
		var f trend.Figures
		err := r.Scan(&f)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("trailing figures of %s: %w", scope, err)
	}
	return slices.Clip(out), nil
}

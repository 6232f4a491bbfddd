package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Hold is a legal hold: while it is in force the retention purge leaves
// alone every cycle it covers — all of Scope, the cycles whose periods
// overlap [PeriodFrom, PeriodTo), or the one cycle CycleID.
type Hold struct {
	ID            int64
	Scope         string
	PeriodFrom    *time.Time
	PeriodTo      *time.Time
	CycleID       *uuid.UUID
	Reason        string
	PlacedBy      string
	PlacedAt      time.Time
	ReleasedBy    *string
	ReleasedAt    *time.Time
	ReleaseReason *string
}

const holdColumns = `id, scope, period_from, period_to, cycle_id, reason, placed_by, placed_at, released_by, released_at, release_reason`

// InForce reports whether the hold has not been released.
func (h Hold) InForce() bool { return h.ReleasedAt == nil }

// AddHold places a hold and returns it as stored.
func (s *Store) AddHold(ctx context.Context, h Hold) (Hold, error) {
	row := s.Pool.QueryRow(ctx, `INSERT INTO legal_holds (scope, period_from, period_to, cycle_id, reason, placed_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+holdColumns,
		h.Scope, h.PeriodFrom, h.PeriodTo, h.CycleID, h.Reason, h.PlacedBy)
	stored, err := scanHold(row)
	if err != nil {
		return Hold{}, fmt.Errorf("place hold on %s: %w", h.Scope, err)
	}
	return stored, nil
}

// Holds lists the holds on scope (every scope when empty), newest first;
// released ones only when all is set.
func (s *Store) Holds(ctx context.Context, scope string, all bool) ([]Hold, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+holdColumns+` FROM legal_holds
		WHERE ($1 = '' OR scope = $1) AND ($2 OR released_at IS NULL) ORDER BY id DESC`, scope, all)
	if err != nil {
		return nil, fmt.Errorf("holds: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Hold, error) { return scanHold(r) })
}

// ReleaseHold ends a hold in force, recording who released it and why.
func (s *Store) ReleaseHold(ctx context.Context, id int64, by, reason string) (Hold, error) {
	row := s.Pool.QueryRow(ctx, `UPDATE legal_holds SET released_by = $2, released_at = now(), release_reason = $3
		WHERE id = $1 AND released_at IS NULL RETURNING `+holdColumns, id, by, reason)
	h, err := scanHold(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return Hold{}, fmt.Errorf("hold %d: %w (or already released)", id, ErrNotFound)
	}
	if err != nil {
		return Hold{}, fmt.Errorf("release hold %d: %w", id, err)
	}
	return h, nil
}

func scanHold(row pgx.Row) (Hold, error) {
	var h Hold
	err := row.Scan(&h.ID, &h.Scope, &h.PeriodFrom, &h.PeriodTo, &h.CycleID, &h.Reason, &h.PlacedBy, &h.PlacedAt,
		&h.ReleasedBy, &h.ReleasedAt, &h.ReleaseReason)
	return h, err
}

// heldSQL is true for a cycle c that a hold in force covers.
const heldSQL = `EXISTS (SELECT 1 FROM legal_holds h
	WHERE h.released_at IS NULL AND h.scope = c.scope
	  AND (h.cycle_id IS NULL OR h.cycle_id = c.id)
	  AND (h.period_from IS NULL OR (c.period_start < h.period_to AND c.period_end > h.period_from)))`

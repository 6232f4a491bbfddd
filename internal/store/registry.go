package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Register records every accepted record of a cycle as settled, so no later
// cycle of the scope settles the same id again and a bet is cancelled at
// most once across periods. It runs when the cycle posts; a retry replaces
// what an earlier attempt registered, and a revision replaces what the
// cycle it supersedes registered. Rows go in key order, which keeps the
// index insertions local, and the registry's statistics are refreshed so
// later plans see its size.
func (s *Store) Register(ctx context.Context, c Cycle) (int64, error) {
	table := StagingTable(c.ID).Sanitize()
	var n int64
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM settled_records WHERE cycle_id = $1 OR cycle_id = $2`, c.ID, c.Supersedes); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO settled_records (key, cycle_id, amount, source, external_id, type, currency, cancels)
			SELECT s.key, $1::uuid, s.amount, s.source, s.external_id, s.type, s.currency,
			       CASE WHEN s.type = 'rollback' THEN `+keySQL("$2::text", "s.source", "s.reference_id")+` END
			FROM `+table+` s
			WHERE NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.cycle_id = $1 AND q.stage = 'rules'
			                  AND q.source = s.source AND q.record_key = s.external_id)
			ORDER BY s.key`, c.ID, c.Scope)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("register settled records of cycle %s: %w", c.ID, err)
	}
	if _, err := s.Pool.Exec(ctx, `ANALYZE settled_records`); err != nil {
		return n, fmt.Errorf("analyze settled records: %w", err)
	}
	return n, nil
}

// Unregister forgets what a cycle settled, when its posting is reversed.
func (s *Store) Unregister(ctx context.Context, cycleID uuid.UUID) error {
	if _, err := s.Pool.Exec(ctx, `DELETE FROM settled_records WHERE cycle_id = $1`, cycleID); err != nil {
		return fmt.Errorf("unregister settled records of cycle %s: %w", cycleID, err)
	}
	return nil
}

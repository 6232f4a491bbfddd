package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The settled-record registry (settled_records) is filled by Validate. A
// cycle that is undone takes its rows back with its staging; a revision
// takes over the rows of the cycle it supersedes once it completes.

// unregister removes what a cycle registered, found by the keys of its
// staging (or, once that is gone, by reading the whole registry), and the
// marks it left on ids another cycle settled first.
func unregister(ctx context.Context, tx pgx.Tx, cycleID uuid.UUID) error {
	table := StagingTable(cycleID).Sanitize()
	var staged bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&staged); err != nil {
		return fmt.Errorf("find staging of cycle %s: %w", cycleID, err)
	}
	del := `DELETE FROM settled_records WHERE cycle_id = $1`
	if staged {
		del = `DELETE FROM settled_records g USING ` + table + ` s WHERE g.key = s.key AND g.cycle_id = $1`
	}
	if _, err := tx.Exec(ctx, del, cycleID); err != nil {
		return fmt.Errorf("unregister settled records: %w", err)
	}
	_, err := tx.Exec(ctx, `UPDATE settled_records SET resent_by = NULLIF(array_remove(resent_by, $1::uuid), '{}')
		WHERE resent_by @> ARRAY[$1::uuid]`, cycleID)
	if err != nil {
		return fmt.Errorf("unregister re-sent marks: %w", err)
	}
	return nil
}

// Supersede hands a completed revision the registry rows of the cycle it
// supersedes: that cycle's rows go, and the revision's accepted records
// take their place, so exactly what the revision settled stays settled.
func (s *Store) Supersede(ctx context.Context, revision Cycle) error {
	if revision.Supersedes == nil {
		return nil
	}
	prev := *revision.Supersedes
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := unregister(ctx, tx, prev); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO settled_records (key, cycle_id, amount, type, currency, cancels)
			SELECT s.key, $1::uuid, s.amount, s.type, s.currency,
			       CASE WHEN s.type = 'rollback' THEN `+keySQL("$2::text", "s.source", "s.reference_id")+` END
			FROM `+StagingTable(revision.ID).Sanitize()+` s
			WHERE NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.cycle_id = $1 AND q.stage = 'rules'
			                  AND q.source = s.source AND q.record_key = s.external_id)
			ORDER BY s.key
			ON CONFLICT (key) DO NOTHING`, revision.ID, revision.Scope)
		return err
	})
	if err != nil {
		return fmt.Errorf("revision %s supersedes cycle %s in the registry: %w", revision.ID, prev, err)
	}
	return nil
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/source"
)

// Fallback is a source of a cycle whose figures its fallback gave.
type Fallback struct {
	Source   string
	Fallback string
	// Mode is manual (an operator switched) or auto (the scope's
	// fallback_mode).
	Mode     string
	Actor    string
	Reason   string
	Staged   int64
	Recorded time.Time
}

// StageFallback makes the fallback source's staged records stand in for
// Source's, set-based: Source's own staged, quarantined and control-total
// rows (what a failing pull left) are discarded, the fallback's records
// of the stand-in's types are copied in as Source's (see
// source.StandIn), and the switch is recorded. It runs in one
// transaction, so a retry gives the same result. It returns the number of
// records staged; FinishSource resolves their duplicates.
func (s *Store) StageFallback(ctx context.Context, cycleID uuid.UUID, scope string, f Fallback, in source.StandIn) (int64, error) {
	table := StagingTable(cycleID).Sanitize()
	var staged int64
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE source = $1`, f.Source); err != nil {
			return fmt.Errorf("discard what the failed pull staged: %w", err)
		}
		for _, t := range []string{"quarantine", "control_totals"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE cycle_id = $1 AND source = $2`, cycleID, f.Source); err != nil {
				return fmt.Errorf("discard what the failed pull left in %s: %w", t, err)
			}
		}
		tag, err := tx.Exec(ctx, `INSERT INTO `+table+` (cycle_id, pos, key, amount, occurred_at, source, external_id,
				reference_id, player, type, currency, attrs, content_hash)
			SELECT s.cycle_id, s.pos, `+keySQL("$1", "$2", "s.reference_id")+`, s.amount, s.occurred_at, $2, s.reference_id,
			       coalesce(s.attrs->>$6, ''), s.player, m.to_type, s.currency,
			       coalesce((SELECT jsonb_object_agg(k, s.attrs->k) FROM unnest($7::text[]) k WHERE s.attrs ? k), '{}')
			           || jsonb_build_object('fallback', $3::text),
			       s.content_hash
			FROM `+table+` s JOIN unnest($4::text[], $5::text[]) AS m(from_type, to_type) ON m.from_type = s.type
			WHERE s.source = $3`,
			scope, f.Source, f.Fallback, in.FromTypes, in.ToTypes, in.Reference, in.Keep)
		if err != nil {
			return fmt.Errorf("stage the fallback's records: %w", err)
		}
		staged = tag.RowsAffected()
		_, err = tx.Exec(ctx, `INSERT INTO source_fallbacks (cycle_id, source, fallback, mode, actor, reason, staged)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (cycle_id, source) DO UPDATE SET fallback = EXCLUDED.fallback, mode = EXCLUDED.mode,
				actor = EXCLUDED.actor, reason = EXCLUDED.reason, staged = EXCLUDED.staged`,
			cycleID, f.Source, f.Fallback, f.Mode, f.Actor, f.Reason, staged)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("stage %s in for %s in cycle %s: %w", f.Fallback, f.Source, cycleID, err)
	}
	return staged, nil
}

// Fallbacks lists the cycle's sources whose figures a fallback gave.
func (s *Store) Fallbacks(ctx context.Context, cycleID uuid.UUID) ([]Fallback, error) {
	rows, err := s.Pool.Query(ctx, `SELECT source, fallback, mode, actor, reason, staged, recorded_at
		FROM source_fallbacks WHERE cycle_id = $1 ORDER BY source`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("fallbacks of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Fallback, error) {
		var f Fallback
		err := r.Scan(&f.Source, &f.Fallback, &f.Mode, &f.Actor, &f.Reason, &f.Staged, &f.Recorded)
		return f, err
	})
}

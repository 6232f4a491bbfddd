package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// SourceStaged is what a source's staging holds once its pull has ended.
type SourceStaged struct {
	Staged    int64 // distinct records staged
	Removed   int64 // copies of a record delivered more than once, removed by this call
	Conflicts int64 // other versions of a staged id, quarantined
}

// FinishSource resolves a source's duplicates once, set-based, after every
// page is staged: of the rows sharing an id, the one delivered first (lowest
// position) stays; a row with the same content is a re-delivery and is
// removed; a row with other content is a conflicting duplicate, quarantined
// once per version and removed. Then the partition's statistics are
// refreshed, so the plans of the steps that follow fit the data just loaded.
func (s *Store) FinishSource(ctx context.Context, cycleID uuid.UUID, source string) (SourceStaged, error) {
	table := StagingTable(cycleID).Sanitize()
	var res SourceStaged
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '256MB'`); err != nil {
			return err
		}
		// The one full pass: ids delivered more than once. The key stands
		// in for the id here; the window below compares the ids themselves.
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE dup_rows ON COMMIT DROP AS
			SELECT s.ctid AS row_id, s.external_id, s.content_hash,
			       first_value(s.content_hash) OVER w AS kept_hash, row_number() OVER w AS rn
			FROM `+table+` s
			WHERE s.source = $1 AND s.key IN (SELECT key FROM `+table+` WHERE source = $1 GROUP BY key HAVING count(*) > 1)
			WINDOW w AS (PARTITION BY s.external_id ORDER BY s.pos)`, source); err != nil {
			return fmt.Errorf("find duplicates: %w", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO quarantine (cycle_id, source, record_key, stage, reason, detail, raw)
			SELECT DISTINCT ON (d.external_id, d.content_hash) $1::uuid, $2::text,
			       d.external_id || '@' || encode(d.content_hash, 'hex'), 'duplicate', 'CONFLICTING_DUPLICATE',
			       'id already staged with other content; the version delivered first is kept',
			       convert_to((to_jsonb(s) - 'cycle_id')::text, 'UTF8')
			FROM dup_rows d JOIN `+table+` s ON s.ctid = d.row_id
			WHERE d.content_hash <> d.kept_hash
			ORDER BY d.external_id, d.content_hash
			ON CONFLICT DO NOTHING`, cycleID, source)
		if err != nil {
			return fmt.Errorf("quarantine conflicting duplicates: %w", err)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE ctid IN (SELECT row_id FROM dup_rows WHERE rn > 1)`)
		if err != nil {
			return fmt.Errorf("remove duplicates: %w", err)
		}
		res.Removed = tag.RowsAffected()
		// Counted, not taken from this run's changes, so a retried finish
		// reports what an attempt that died after committing did.
		err = tx.QueryRow(ctx, `SELECT count(*) FROM quarantine WHERE cycle_id = $1 AND source = $2 AND stage = 'duplicate'`,
			cycleID, source).Scan(&res.Conflicts)
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE source = $1`, source).Scan(&res.Staged)
	})
	if err != nil {
		return SourceStaged{}, fmt.Errorf("finish staging of %s for cycle %s: %w", source, cycleID, err)
	}
	if err := s.analyze(ctx, StagingTable(cycleID)); err != nil {
		return SourceStaged{}, fmt.Errorf("analyze staging of cycle %s: %w", cycleID, err)
	}
	return res, nil
}

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
	var dupKeys []uuid.UUID
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, bigWorkMem); err != nil {
			return err
		}
		// The one full pass: how many rows the source staged, and which
		// keys came more than once. The key stands in for the id here; the
		// window below compares the ids themselves.
		var total int64
		if err := tx.QueryRow(ctx, `WITH counted AS (
				SELECT key, count(*) AS n, grouping(key) AS everything FROM `+table+` WHERE source = $1
				GROUP BY GROUPING SETS ((key), ()))
			SELECT coalesce(sum(n) FILTER (WHERE everything = 1), 0)::bigint,
			       coalesce(array_agg(key) FILTER (WHERE everything = 0 AND n > 1), '{}')
			FROM counted`, source).Scan(&total, &dupKeys); err != nil {
			return fmt.Errorf("count deliveries: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE dup_rows ON COMMIT DROP AS
			SELECT s.ctid AS row_id, s.external_id, s.content_hash,
			       first_value(s.content_hash) OVER w AS kept_hash, row_number() OVER w AS rn
			FROM `+table+` s
			WHERE s.source = $1 AND s.key = ANY($2::uuid[])
			WINDOW w AS (PARTITION BY s.external_id ORDER BY s.pos)`, source, dupKeys); err != nil {
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
		res.Staged = total - res.Removed
		// Counted, not taken from this run's changes, so a retried finish
		// reports what an attempt that died after committing did.
		return tx.QueryRow(ctx, `SELECT count(*) FROM quarantine WHERE cycle_id = $1 AND source = $2 AND stage = 'duplicate'`,
			cycleID, source).Scan(&res.Conflicts)
	})
	if err != nil {
		return SourceStaged{}, fmt.Errorf("finish staging of %s for cycle %s: %w", source, cycleID, err)
	}
	if err := s.analyze(ctx, StagingTable(cycleID)); err != nil {
		return SourceStaged{}, fmt.Errorf("analyze staging of cycle %s: %w", cycleID, err)
	}
	return res, nil
}

// bigWorkMem lets a statement over a whole cycle's records hash and sort
// in memory: at ten million records, 256 MB spills to disk and the step
// grows faster than its input. It is local to the transaction.
const bigWorkMem = `SET LOCAL work_mem = '1GB'`

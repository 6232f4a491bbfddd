package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/source/provider"
)

// PageResult counts what one staged page changed.
type PageResult struct {
	Received   int // records in the page that passed format checks
	Inserted   int // new transactions staged
	Duplicates int // identical re-deliveries, dropped
	Conflicts  int // same id with other content, quarantined
	Rejects    int // format rejects quarantined
}

var stagingColumns = []string{"cycle_id", "source", "transaction_id", "round_id", "player_id", "game_code",
	"type", "amount", "currency", "occurred_at", "ref_transaction_id", "content_hash"}

// StagePage writes one fetched page in one transaction: the records are
// COPYed into a temporary table and merged by (cycle, source, transaction
// id), so a page fetched twice stages its records once. Of two versions of
// one id the staged one wins (within one page, the lowest content hash, so a
// re-fetch chooses the same); every other version is quarantined as a
// conflicting duplicate.
func (s *Store) StagePage(ctx context.Context, cycleID uuid.UUID, source string, page provider.Page) (PageResult, error) {
	res := PageResult{Received: len(page.Records), Rejects: len(page.Rejects)}
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS staging_in
			(LIKE staged_transactions INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`); err != nil {
			return fmt.Errorf("temp staging table: %w", err)
		}
		rows := make([][]any, len(page.Records))
		for i, r := range page.Records {
			rows[i] = []any{cycleID, source, r.TransactionID, r.RoundID, r.PlayerID, r.GameCode,
				r.Type, r.Amount, r.Currency, r.Timestamp, r.RefTransactionID, r.Hash}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"staging_in"}, stagingColumns, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("copy page: %w", err)
		}
		inserted, err := tx.Exec(ctx, `
			INSERT INTO staged_transactions (`+columnList(stagingColumns)+`)
			SELECT DISTINCT ON (transaction_id) `+columnList(stagingColumns)+`
			FROM staging_in ORDER BY transaction_id, content_hash
			ON CONFLICT DO NOTHING`)
		if err != nil {
			return fmt.Errorf("merge page: %w", err)
		}
		// After the merge, so a record that conflicts with another of the same
		// page (not only with an earlier page) is quarantined too.
		conflicts, err := tx.Exec(ctx, `
			INSERT INTO quarantine (cycle_id, source, record_key, stage, reason, detail, raw)
			SELECT DISTINCT i.cycle_id, i.source, i.transaction_id || '@' || i.content_hash, 'duplicate',
			       'CONFLICTING_DUPLICATE', 'transaction id already staged with other content; first version kept',
			       to_jsonb(i) - 'cycle_id' - 'status'
			FROM staging_in i
			JOIN staged_transactions s USING (cycle_id, source, transaction_id)
			WHERE s.content_hash <> i.content_hash
			ON CONFLICT DO NOTHING`)
		if err != nil {
			return fmt.Errorf("quarantine conflicting duplicates: %w", err)
		}
		res.Inserted = int(inserted.RowsAffected())
		res.Conflicts = int(conflicts.RowsAffected())
		res.Duplicates = res.Received - res.Inserted - res.Conflicts
		return quarantineFormatRejects(ctx, tx, cycleID, source, page.Rejects)
	})
	if err != nil {
		return PageResult{}, fmt.Errorf("stage page of %s for cycle %s: %w", source, cycleID, err)
	}
	return res, nil
}

func quarantineFormatRejects(ctx context.Context, tx pgx.Tx, cycleID uuid.UUID, source string, rejects []provider.Reject) error {
	batch := &pgx.Batch{}
	for _, r := range rejects {
		raw := r.Raw
		if !json.Valid(raw) {
			raw, _ = json.Marshal(string(r.Raw)) // keep the bytes as a JSON string
		}
		batch.Queue(`INSERT INTO quarantine (cycle_id, source, record_key, stage, reason, detail, raw)
			VALUES ($1, $2, $3, 'format', $4, $5, $6) ON CONFLICT DO NOTHING`,
			cycleID, source, rejectKey(r), r.Reason, r.Detail, raw)
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("quarantine %d format rejects: %w", len(rejects), err)
	}
	return nil
}

// rejectKey identifies a format reject even when it has no usable id, so a
// re-fetched page quarantines it once.
func rejectKey(r provider.Reject) string {
	if r.TransactionID != "" {
		return r.TransactionID
	}
	return "sha256:" + sha256Hex(r.Raw)
}

// DiscardStaging removes a cycle's staged and quarantined records of one
// source, or of all when source is empty: the compensation of pull.
// Staging is scratch space, not the books.
func (s *Store) DiscardStaging(ctx context.Context, cycleID uuid.UUID, source string) (int64, error) {
	var removed int64
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM staged_transactions WHERE cycle_id = $1 AND ($2 = '' OR source = $2)`, cycleID, source)
		if err != nil {
			return err
		}
		removed = tag.RowsAffected()
		_, err = tx.Exec(ctx, `DELETE FROM quarantine WHERE cycle_id = $1 AND ($2 = '' OR source = $2)`, cycleID, source)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("discard staging of %s for cycle %s: %w", source, cycleID, err)
	}
	return removed, nil
}

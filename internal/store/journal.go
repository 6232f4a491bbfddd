package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/audit"
	"github.com/settleflow/settleflow/internal/ledger"
)

// PostEntry appends a balanced entry and its lines in one transaction,
// sealed and chained to the journal's previous entry. An entry whose ID is
// already posted is left alone, so a retried post is a no-op; the returned
// bool says whether this call posted it.
func (s *Store) PostEntry(ctx context.Context, e ledger.Entry) (bool, error) {
	keys, err := s.sealer()
	if err != nil {
		return false, fmt.Errorf("post %s entry %s for cycle %s: %w", e.Kind, e.ID, e.CycleID, err)
	}
	posted := false
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		posted, err = postEntryTx(ctx, tx, keys, e)
		return err
	})
	return posted, err
}

// postEntryTx posts e inside the caller's transaction, so it commits with
// what it books for; an entry already posted is left alone.
func postEntryTx(ctx context.Context, tx pgx.Tx, keys *audit.Keyring, e ledger.Entry) (bool, error) {
	if err := e.Validate(); err != nil {
		return false, err
	}
	if err := lockChain(ctx, tx, audit.JournalChain); err != nil {
		return false, err
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM journal_entries WHERE id = $1)`, e.ID).Scan(&exists); err != nil || exists {
		return false, err
	}
	if err := insertEntry(ctx, tx, keys, e); err != nil {
		return false, fmt.Errorf("post %s entry %s for cycle %s: %w", e.Kind, e.ID, e.CycleID, err)
	}
	return true, nil
}

// EntriesOfKind lists the IDs of a cycle's journal entries of one kind, in
// posting order.
func (s *Store) EntriesOfKind(ctx context.Context, cycleID uuid.UUID, kind string) ([]uuid.UUID, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id FROM journal_entries WHERE cycle_id = $1 AND kind = $2 ORDER BY posted_at, id`, cycleID, kind)
	if err != nil {
		return nil, fmt.Errorf("%s entries of cycle %s: %w", kind, cycleID, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// insertEntry seals the entry with its lines as the journal's next, inserts
// both and moves the journal's head.
func insertEntry(ctx context.Context, tx pgx.Tx, keys *audit.Keyring, e ledger.Entry) error {
	last, prev, err := chainEnd(ctx, tx, "journal_entries")
	if err != nil {
		return err
	}
	sealed := audit.Entry{Entry: e, Seq: last + 1, PrevMAC: prev}
	if err := tx.QueryRow(ctx, `SELECT now()`).Scan(&sealed.PostedAt); err != nil {
		return err
	}
	seal := keys.Sign(sealed.Message())
	_, err = tx.Exec(ctx, `INSERT INTO journal_entries (id, cycle_id, kind, reverses, description, posted_at, seq, prev_mac, mac, key_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.ID, e.CycleID, e.Kind, e.Reverses, e.Description, sealed.PostedAt, sealed.Seq, prev, seal.MAC, seal.KeyID)
	if err != nil {
		return err
	}
	rows := make([][]any, len(e.Lines))
	for i, l := range e.Lines {
		rows[i] = []any{e.ID, i + 1, l.Account, l.Currency, l.Amount}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"journal_lines"},
		[]string{"entry_id", "line_no", "account", "currency", "amount"}, pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	return sealHead(ctx, tx, keys, audit.Head{Chain: audit.JournalChain, Seq: sealed.Seq, Link: seal.MAC})
}

// Entry loads one journal entry with its lines.
func (s *Store) Entry(ctx context.Context, id uuid.UUID) (ledger.Entry, error) {
	e := ledger.Entry{ID: id}
	err := s.Pool.QueryRow(ctx, `SELECT cycle_id, kind, reverses, description FROM journal_entries WHERE id = $1`, id).
		Scan(&e.CycleID, &e.Kind, &e.Reverses, &e.Description)
	if err == pgx.ErrNoRows {
		return e, fmt.Errorf("journal entry %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("journal entry %s: %w", id, err)
	}
	rows, err := s.Pool.Query(ctx, `SELECT account, currency, amount FROM journal_lines WHERE entry_id = $1 ORDER BY line_no`, id)
	if err != nil {
		return e, fmt.Errorf("lines of entry %s: %w", id, err)
	}
	e.Lines, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ledger.Line])
	if err != nil {
		return e, fmt.Errorf("lines of entry %s: %w", id, err)
	}
	return e, nil
}

// CycleLines returns every journal line posted for a cycle (entries and
// reversals), in posting order.
func (s *Store) CycleLines(ctx context.Context, cycleID uuid.UUID) ([]ledger.Line, error) {
	rows, err := s.Pool.Query(ctx, `SELECT l.account, l.currency, l.amount
		FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
		WHERE e.cycle_id = $1 ORDER BY e.posted_at, l.entry_id, l.line_no`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("journal lines of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ledger.Line])
}

// CycleEntryCount counts a cycle's journal entries by kind.
func (s *Store) CycleEntryCount(ctx context.Context, cycleID uuid.UUID) (map[string]int, error) {
	rows, err := s.Pool.Query(ctx, `SELECT kind, count(*) FROM journal_entries WHERE cycle_id = $1 GROUP BY kind`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("journal entries of cycle %s: %w", cycleID, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, err
		}
		out[kind] = n
	}
	return out, rows.Err()
}

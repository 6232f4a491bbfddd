package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/audit"
	"github.com/settleflow/settleflow/internal/statement"
)

// Statement is one partner's statement for one cycle.
type Statement struct {
	ID         uuid.UUID
	CycleID    uuid.UUID
	Partner    string
	Status     string
	JSON       json.RawMessage
	CSV        string
	SHA256     string
	CreatedAt  time.Time
	StatusNote string
}

// PublishStatement stores the statement, sealed and chained to the
// previous statement, unless the cycle already has one for the partner; it
// returns the stored statement either way.
func (s *Store) PublishStatement(ctx context.Context, st Statement) (Statement, error) {
	keys, err := s.sealer()
	if err != nil {
		return Statement{}, fmt.Errorf("publish statement for %s in cycle %s: %w", st.Partner, st.CycleID, err)
	}
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := lockChain(ctx, tx, audit.StatementChain); err != nil {
			return err
		}
		var exists bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM statements WHERE id = $1 OR (cycle_id = $2 AND partner = $3))`,
			st.ID, st.CycleID, st.Partner).Scan(&exists)
		if err != nil || exists {
			return err
		}
		return insertStatement(ctx, tx, keys, st)
	})
	if err != nil {
		return Statement{}, fmt.Errorf("publish statement for %s in cycle %s: %w", st.Partner, st.CycleID, err)
	}
	stored, err := s.Statements(ctx, st.CycleID)
	if err != nil {
		return Statement{}, err
	}
	for _, x := range stored {
		if x.Partner == st.Partner {
			return x, nil
		}
	}
	return Statement{}, fmt.Errorf("statement for %s in cycle %s: %w", st.Partner, st.CycleID, ErrNotFound)
}

// insertStatement seals the statement as the next of the chain, inserts it
// and moves the chain's head. The seal covers the content by its SHA-256,
// which verification recomputes from the stored bytes.
func insertStatement(ctx context.Context, tx pgx.Tx, keys *audit.Keyring, st Statement) error {
	last, prev, err := chainEnd(ctx, tx, "statements")
	if err != nil {
		return err
	}
	sealed := audit.Statement{ID: st.ID, CycleID: st.CycleID, Partner: st.Partner, SHA256: st.SHA256, Seq: last + 1, PrevMAC: prev}
	if err := tx.QueryRow(ctx, `SELECT now()`).Scan(&sealed.CreatedAt); err != nil {
		return err
	}
	seal := keys.Sign(sealed.Message())
	_, err = tx.Exec(ctx, `INSERT INTO statements (id, cycle_id, partner, status, content_json, content_csv, sha256,
			created_at, seq, prev_mac, mac, key_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		st.ID, st.CycleID, st.Partner, statement.StatusPublished, string(st.JSON), st.CSV, st.SHA256,
		sealed.CreatedAt, sealed.Seq, prev, seal.MAC, seal.KeyID)
	if err != nil {
		return err
	}
	return sealHead(ctx, tx, keys, audit.Head{Chain: audit.StatementChain, Seq: sealed.Seq, Link: seal.MAC})
}

// SetStatementStatus moves a cycle's published statements to status (void or
// superseded) with a note; their content never changes.
func (s *Store) SetStatementStatus(ctx context.Context, cycleID uuid.UUID, status, note string) (int64, error) {
	tag, err := s.Pool.Exec(ctx, `UPDATE statements SET status = $2, status_note = $3, status_at = now()
		WHERE cycle_id = $1 AND status = $4`, cycleID, status, note, statement.StatusPublished)
	if err != nil {
		return 0, fmt.Errorf("mark statements of cycle %s %s: %w", cycleID, status, err)
	}
	return tag.RowsAffected(), nil
}

// RestoreStatements puts a cycle's superseded statements back to published,
// when the revision that superseded them is itself undone.
func (s *Store) RestoreStatements(ctx context.Context, cycleID uuid.UUID, note string) (int64, error) {
	tag, err := s.Pool.Exec(ctx, `UPDATE statements SET status = $2, status_note = $3, status_at = now()
		WHERE cycle_id = $1 AND status = $4`, cycleID, statement.StatusPublished, note, statement.StatusSuperseded)
	if err != nil {
		return 0, fmt.Errorf("restore statements of cycle %s: %w", cycleID, err)
	}
	return tag.RowsAffected(), nil
}

// Statements lists a cycle's statements by partner.
func (s *Store) Statements(ctx context.Context, cycleID uuid.UUID) ([]Statement, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, cycle_id, partner, status, content_json, content_csv, sha256, created_at, status_note
		FROM statements WHERE cycle_id = $1 ORDER BY partner`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("statements of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Statement])
}

// Statement loads one statement by ID.
func (s *Store) Statement(ctx context.Context, id uuid.UUID) (Statement, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, cycle_id, partner, status, content_json, content_csv, sha256, created_at, status_note
		FROM statements WHERE id = $1`, id)
	if err != nil {
		return Statement{}, fmt.Errorf("statement %s: %w", id, err)
	}
	st, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Statement])
	if errors.Is(err, pgx.ErrNoRows) {
		return Statement{}, fmt.Errorf("statement %s: %w", id, ErrNotFound)
	}
	return st, err
}

// StatementListing is a statement without its content, with its cycle.
type StatementListing struct {
	ID         uuid.UUID
	CycleID    uuid.UUID
	Partner    string
	Status     string
	SHA256     string
	CreatedAt  time.Time
	WorkflowID string
	Scope      string
	PeriodKey  string
	Revision   int
}

// RecentStatements lists statements newest first, of one scope unless
// scope is empty.
func (s *Store) RecentStatements(ctx context.Context, scope string, limit int) ([]StatementListing, error) {
	rows, err := s.Pool.Query(ctx, `SELECT s.id, s.cycle_id, s.partner, s.status, s.sha256, s.created_at,
			c.workflow_id, c.scope, c.period_key, c.revision
		FROM statements s JOIN cycles c ON c.id = s.cycle_id
		WHERE $1 = '' OR c.scope = $1
		ORDER BY s.created_at DESC, s.partner LIMIT $2`, scope, limit)
	if err != nil {
		return nil, fmt.Errorf("list statements: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[StatementListing])
}

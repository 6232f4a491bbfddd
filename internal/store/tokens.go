package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Token is an API token as stored: everything but the token itself, of
// which only a hash is kept.
type Token struct {
	ID        uuid.UUID
	Name      string
	Role      string
	CreatedAt time.Time
	CreatedBy string
	RevokedAt *time.Time
	RevokedBy string
}

const tokenColumns = `id, name, role, created_at, created_by, revoked_at, revoked_by`

// InsertToken stores a new token under its hash.
func (s *Store) InsertToken(ctx context.Context, t Token, hash []byte) (Token, error) {
	row := s.Pool.QueryRow(ctx, `INSERT INTO api_tokens (id, name, role, hash, created_by)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+tokenColumns, t.ID, t.Name, t.Role, hash, t.CreatedBy)
	stored, err := scanToken(row)
	if err != nil {
		return Token{}, fmt.Errorf("store token %s: %w", t.Name, err)
	}
	return stored, nil
}

// Tokens lists every token, revoked ones too, oldest first.
func (s *Store) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) { return scanToken(r) })
}

// ActiveToken returns the unrevoked token with this hash, and the hash as
// stored so the caller can compare it in constant time.
func (s *Store) ActiveToken(ctx context.Context, hash []byte) (Token, []byte, error) {
	return s.activeToken(ctx, "token", `SELECT `+tokenColumns+`, hash FROM api_tokens
		WHERE hash = $1 AND revoked_at IS NULL`, hash)
}

// activeToken runs a query for one token row followed by a hash.
func (s *Store) activeToken(ctx context.Context, what, query string, hash []byte) (Token, []byte, error) {
	var stored []byte
	t, err := scanToken(s.Pool.QueryRow(ctx, query, hash), &stored)
	if errors.Is(err, pgx.ErrNoRows) {
		return Token{}, nil, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	if err != nil {
		return Token{}, nil, fmt.Errorf("look up %s: %w", what, err)
	}
	return t, stored, nil
}

// RevokeTokens revokes the active tokens with this ID or, when id is nil,
// of this name, and ends their console sessions, in one transaction. It
// returns the tokens it revoked.
func (s *Store) RevokeTokens(ctx context.Context, id *uuid.UUID, name, by string) ([]Token, error) {
	var revoked []Token
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE api_tokens SET revoked_at = now(), revoked_by = $3
			WHERE revoked_at IS NULL AND (id = $1 OR ($1 IS NULL AND name = $2))
			RETURNING `+tokenColumns, id, name, by)
		if err != nil {
			return err
		}
		revoked, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) { return scanToken(r) })
		if err != nil {
			return err
		}
		ids := make([]uuid.UUID, len(revoked))
		for i, t := range revoked {
			ids[i] = t.ID
		}
		_, err = tx.Exec(ctx, `DELETE FROM console_sessions WHERE token_id = ANY($1)`, ids)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("revoke tokens: %w", err)
	}
	return revoked, nil
}

func scanToken(row pgx.Row, extra ...any) (Token, error) {
	var t Token
	dest := append([]any{&t.ID, &t.Name, &t.Role, &t.CreatedAt, &t.CreatedBy, &t.RevokedAt, &t.RevokedBy}, extra...)
	return t, row.Scan(dest...)
}

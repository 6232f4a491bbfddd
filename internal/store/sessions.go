package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// CreateSession stores a console session under its hash. Expired sessions
// are cleared on the way, so the table holds only live ones.
func (s *Store) CreateSession(ctx context.Context, hash []byte, tokenID uuid.UUID, expires time.Time) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM console_sessions WHERE expires_at <= now()`); err != nil {
			return fmt.Errorf("clear expired sessions: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO console_sessions (hash, token_id, expires_at) VALUES ($1, $2, $3)`,
			hash, tokenID, expires); err != nil {
			return fmt.Errorf("store session: %w", err)
		}
		return nil
	})
}

// SessionToken returns the token a live session acts with, and the session
// hash as stored. A session whose token is revoked is not live.
func (s *Store) SessionToken(ctx context.Context, hash []byte) (Token, []byte, error) {
	return s.activeToken(ctx, "session", `SELECT t.id, t.name, t.role, t.created_at, t.created_by, t.revoked_at, t.revoked_by, s.hash
		FROM console_sessions s JOIN api_tokens t ON t.id = s.token_id
		WHERE s.hash = $1 AND s.expires_at > now() AND t.revoked_at IS NULL`, hash)
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := s.Pool.Exec(ctx, `DELETE FROM console_sessions WHERE hash = $1`, hash); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

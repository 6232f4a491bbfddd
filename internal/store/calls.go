package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// APICall is one mutating call to the API or console.
type APICall struct {
	At      time.Time
	Actor   string
	TokenID uuid.UUID
	Role    string
	Method  string
	Path    string
	Status  int
}

// RecordAPICall appends a call to the api_calls log.
func (s *Store) RecordAPICall(ctx context.Context, c APICall) error {
	_, err := s.Pool.Exec(ctx, `INSERT INTO api_calls (actor, token_id, role, method, path, status)
		VALUES ($1, $2, $3, $4, $5, $6)`, c.Actor, c.TokenID, c.Role, c.Method, c.Path, c.Status)
	if err != nil {
		return fmt.Errorf("record %s %s by %s: %w", c.Method, c.Path, c.Actor, err)
	}
	return nil
}

// APICalls returns the latest calls, newest first.
func (s *Store) APICalls(ctx context.Context, limit int) ([]APICall, error) {
	rows, err := s.Pool.Query(ctx, `SELECT at, actor, token_id, role, method, path, status
		FROM api_calls ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list API calls: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[APICall])
}

package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Quarantined is one record refused by format, duplicate or rule checks,
// with the bytes as received (or, for a staged record, as staged).
type Quarantined struct {
	CycleID   uuid.UUID
	Source    string
	RecordKey string
	Stage     string
	Reason    string
	Detail    string
	Raw       []byte // nil in listings
	At        time.Time
}

// QuarantineFilter narrows a quarantine listing; zero fields match all.
type QuarantineFilter struct {
	CycleID uuid.UUID
	Reason  string
	Source  string
	Limit   int
	Offset  int
}

// Quarantine lists quarantined records, newest first, without their raw
// bytes (a listing may be long; Quarantined returns one record's).
func (s *Store) Quarantine(ctx context.Context, f QuarantineFilter) ([]Quarantined, error) {
	rows, err := s.Pool.Query(ctx, `SELECT cycle_id, source, record_key, stage, reason, detail, NULL::bytea, quarantined_at
		FROM quarantine
		WHERE ($1 = '00000000-0000-0000-0000-000000000000'::uuid OR cycle_id = $1)
		  AND ($2 = '' OR reason = $2) AND ($3 = '' OR source = $3)
		ORDER BY quarantined_at DESC, cycle_id, source, record_key, reason
		LIMIT $4 OFFSET $5`, f.CycleID, f.Reason, f.Source, f.Limit, f.Offset)
	if err != nil {
		return nil, fmt.Errorf("list quarantine: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Quarantined])
}

// ReasonCount is how many records one reason quarantined.
type ReasonCount struct {
	Reason string
	Stage  string
	Count  int64
}

// QuarantineReasons counts quarantined records by reason, most first; a
// zero cycleID counts over every cycle.
func (s *Store) QuarantineReasons(ctx context.Context, cycleID uuid.UUID) ([]ReasonCount, error) {
	rows, err := s.Pool.Query(ctx, `SELECT reason, stage, count(*) FROM quarantine
		WHERE ($1 = '00000000-0000-0000-0000-000000000000'::uuid OR cycle_id = $1)
		GROUP BY reason, stage ORDER BY count(*) DESC, reason`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("count quarantine reasons: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ReasonCount])
}

// QuarantinedRecord returns one quarantined record with its raw bytes.
func (s *Store) QuarantinedRecord(ctx context.Context, cycleID uuid.UUID, source, key, reason string) (Quarantined, error) {
	rows, err := s.Pool.Query(ctx, `SELECT cycle_id, source, record_key, stage, reason, detail, raw, quarantined_at
		FROM quarantine WHERE cycle_id = $1 AND source = $2 AND record_key = $3 AND reason = $4`,
		cycleID, source, key, reason)
	if err != nil {
		return Quarantined{}, fmt.Errorf("quarantined record %s/%s: %w", source, key, err)
	}
	q, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Quarantined])
	if errors.Is(err, pgx.ErrNoRows) {
		return Quarantined{}, fmt.Errorf("quarantined record %s/%s (%s) in cycle %s: %w", source, key, reason, cycleID, ErrNotFound)
	}
	return q, err
}

package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/audit"
)

// Event is one entry of a cycle's append-only, sealed and chained event
// log. Hash is the event's seal (an HMAC under the key KeyID names) over
// its fields, the payload's digest and PrevHash; events written before
// seals have KeyID "" and a plain SHA-256 hash. Payload is nil once
// retention has removed it; PayloadSHA256 stays.
type Event struct {
	CycleID       uuid.UUID
	Seq           int
	Kind          string
	Step          string
	Actor         string
	Payload       json.RawMessage
	PayloadSHA256 string
	PrevHash      string
	Hash          string
	KeyID         string
	RecordedAt    time.Time
}

// Projection is how an event moves the cycle's status projection; empty
// fields leave the projection as it is.
type Projection struct {
	Status      string
	CurrentStep *string
}

// AppendEvent adds the event at e.Seq, sealed and chained to the one
// before, moves the log's sealed head and the projection, in one
// transaction. The workflow numbers its events, so a retried append of the
// same sequence number is a no-op; a gap is an error.
func (s *Store) AppendEvent(ctx context.Context, e Event, p Projection) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error { return s.appendEvent(ctx, tx, e, p) })
}

// appendEvent appends e in tx at e.Seq, or after the log's last event when
// e.Seq is 0 (for writers other than the cycle's workflow, once it has
// ended, such as the retention purge).
func (s *Store) appendEvent(ctx context.Context, tx pgx.Tx, e Event, p Projection) error {
	keys, err := s.sealer()
	if err != nil {
		return fmt.Errorf("append event %d (%s) to cycle %s: %w", e.Seq, e.Kind, e.CycleID, err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1::text))`, e.CycleID); err != nil {
		return fmt.Errorf("lock event log of cycle %s: %w", e.CycleID, err)
	}
	var last int
	prev := audit.EventGenesis
	err = tx.QueryRow(ctx, `SELECT seq, hash FROM cycle_events WHERE cycle_id = $1 ORDER BY seq DESC LIMIT 1`,
		e.CycleID).Scan(&last, &prev)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("read event log of cycle %s: %w", e.CycleID, err)
	}
	if e.Seq == 0 {
		e.Seq = last + 1
	}
	if e.Seq <= last {
		return nil
	}
	if e.Seq != last+1 {
		return fmt.Errorf("cycle %s event %d (%s): log ends at %d", e.CycleID, e.Seq, e.Kind, last)
	}
	if err := insertEvent(ctx, tx, keys, e, prev); err != nil {
		return fmt.Errorf("append event %d (%s) to cycle %s: %w", e.Seq, e.Kind, e.CycleID, err)
	}
	return project(ctx, tx, e.CycleID, p)
}

// insertEvent seals and inserts one event and moves the log's head. The
// payload enters the seal by the digest of the text PostgreSQL stores it
// as, so verification recomputes exactly what was sealed.
func insertEvent(ctx context.Context, tx pgx.Tx, keys *audit.Keyring, e Event, prev string) error {
	payload := jsonOrEmpty(e.Payload)
	sealed := audit.Event{CycleID: e.CycleID, Seq: e.Seq, Kind: e.Kind, Step: e.Step, Actor: e.Actor, PrevHash: prev}
	err := tx.QueryRow(ctx, `SELECT encode(sha256(convert_to($1::jsonb::text, 'UTF8')), 'hex'), now()`, payload).
		Scan(&sealed.PayloadSHA256, &sealed.RecordedAt)
	if err != nil {
		return fmt.Errorf("digest payload: %w", err)
	}
	seal := keys.Sign(sealed.Message())
	_, err = tx.Exec(ctx, `INSERT INTO cycle_events (cycle_id, seq, kind, step, actor, payload, payload_sha256,
			prev_hash, hash, key_id, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11)`,
		e.CycleID, e.Seq, e.Kind, e.Step, e.Actor, payload, sealed.PayloadSHA256, prev, seal.MAC, seal.KeyID, sealed.RecordedAt)
	if err != nil {
		return err
	}
	return sealHead(ctx, tx, keys, audit.Head{Chain: audit.EventChain(e.CycleID), Seq: int64(e.Seq), Link: seal.MAC})
}

// legacyEventHashSQL recomputes, over jsonb's canonical text, the plain
// hash events carried before seals, so those still verify.
const legacyEventHashSQL = `encode(sha256(convert_to(prev_hash || '|' || seq::text || '|' || kind || '|' || step || '|' ||
	actor || '|' || payload::text, 'UTF8')), 'hex')`

func project(ctx context.Context, tx pgx.Tx, id uuid.UUID, p Projection) error {
	if p.Status == "" && p.CurrentStep == nil {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE cycles SET
		status = COALESCE(NULLIF($2, ''), status),
		current_step = COALESCE($3, current_step),
		updated_at = now() WHERE id = $1`, id, p.Status, p.CurrentStep)
	if err != nil {
		return fmt.Errorf("project cycle %s status %q: %w", id, p.Status, err)
	}
	return nil
}

// Events returns a cycle's event log in order.
func (s *Store) Events(ctx context.Context, cycleID uuid.UUID) ([]Event, error) {
	rows, err := s.Pool.Query(ctx, `SELECT cycle_id, seq, kind, step, actor, payload, payload_sha256, prev_hash, hash,
		key_id, recorded_at FROM cycle_events WHERE cycle_id = $1 ORDER BY seq`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("events of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Event, error) {
		var e Event
		err := r.Scan(&e.CycleID, &e.Seq, &e.Kind, &e.Step, &e.Actor, &e.Payload, &e.PayloadSHA256, &e.PrevHash, &e.Hash,
			&e.KeyID, &e.RecordedAt)
		return e, err
	})
}

// VerifyEvents checks one cycle's event log against its seals, chain and
// head, and names every broken event in the error.
func (s *Store) VerifyEvents(ctx context.Context, cycleID uuid.UUID) error {
	keys, err := s.sealer()
	if err != nil {
		return err
	}
	r := audit.NewReport()
	if err := s.verifyEvents(ctx, keys, []uuid.UUID{cycleID}, r); err != nil {
		return err
	}
	if r.OK() {
		return nil
	}
	problems := make([]string, len(r.Findings))
	for i, f := range r.Findings {
		problems[i] = f.Table + " " + f.ID + ": " + f.Problem
	}
	return fmt.Errorf("cycle %s event log broken: %s", cycleID, strings.Join(problems, "; "))
}

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
	// WriterKey names an event written outside the workflow; empty for the
	// workflow's own.
	WriterKey string
}

// Projection is how an event moves the cycle's status projection; empty
// fields leave the projection as it is.
type Projection struct {
	Status      string
	CurrentStep *string
}

// AppendEvent adds an event, sealed and chained to the one before, moves
// the log's sealed head and the projection, in one transaction; see
// appendEvent.
func (s *Store) AppendEvent(ctx context.Context, e Event, p Projection) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error { return s.appendEvent(ctx, tx, e, p) })
}

// appendEvent appends e in tx. A workflow event carries the workflow's own
// number (e.Seq counts the workflow's events), so a retried append of one
// already written is a no-op and a gap is an error. Writers other than the
// workflow (operators resolving breaks, the retention purge) append with
// e.Seq 0 whenever they act, so every event is chained after the log's
// last, whoever wrote it: the log's seq numbers all events, the workflow's
// numbers only its own, and the others carry a writer key that tells them
// apart.
func (s *Store) appendEvent(ctx context.Context, tx pgx.Tx, e Event, p Projection) error {
	return s.chainEvent(ctx, tx, e, p, "")
}

// appendKeyedEvent appends, outside the workflow, an event named by key:
// appending the same key again does nothing.
func (s *Store) appendKeyedEvent(ctx context.Context, tx pgx.Tx, e Event, key string) error {
	e.Seq = 0
	return s.chainEvent(ctx, tx, e, Projection{}, key)
}

func (s *Store) chainEvent(ctx context.Context, tx pgx.Tx, e Event, p Projection, key string) error {
	keys, err := s.sealer()
	if err != nil {
		return fmt.Errorf("append event %d (%s) to cycle %s: %w", e.Seq, e.Kind, e.CycleID, err)
	}
	if err := lockEventLog(ctx, tx, e.CycleID); err != nil {
		return err
	}
	var last int
	prev := audit.EventGenesis
	err = tx.QueryRow(ctx, `SELECT seq, hash FROM cycle_events WHERE cycle_id = $1 ORDER BY seq DESC LIMIT 1`,
		e.CycleID).Scan(&last, &prev)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("read event log of cycle %s: %w", e.CycleID, err)
	}
	var writerKey *string
	if e.Seq > 0 {
		if done, err := workflowEventWritten(ctx, tx, e); err != nil || done {
			return err
		}
	} else {
		if key == "" {
			key = fmt.Sprintf("seq/%d", last+1)
		} else if done, err := keyedEventWritten(ctx, tx, e.CycleID, key); err != nil || done {
			return err
		}
		writerKey = &key
	}
	e.Seq = last + 1
	if err := insertEvent(ctx, tx, keys, e, prev, writerKey); err != nil {
		return fmt.Errorf("append event %d (%s) to cycle %s: %w", e.Seq, e.Kind, e.CycleID, err)
	}
	return project(ctx, tx, e.CycleID, p)
}

// workflowEventWritten says whether the workflow's event e.Seq is in the
// log already, and refuses a gap in the workflow's numbering.
func workflowEventWritten(ctx context.Context, tx pgx.Tx, e Event) (bool, error) {
	var written int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM cycle_events WHERE cycle_id = $1 AND writer_key IS NULL`, e.CycleID).Scan(&written)
	switch {
	case err != nil:
		return false, fmt.Errorf("read event log of cycle %s: %w", e.CycleID, err)
	case e.Seq <= written:
		return true, nil
	case e.Seq != written+1:
		return false, fmt.Errorf("cycle %s event %d (%s): the workflow's log ends at %d", e.CycleID, e.Seq, e.Kind, written)
	}
	return false, nil
}

func keyedEventWritten(ctx context.Context, tx pgx.Tx, cycleID uuid.UUID, key string) (bool, error) {
	var exists bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cycle_events WHERE cycle_id = $1 AND writer_key = $2)`, cycleID, key).Scan(&exists)
	return exists, err
}

// lockEventLog serialises the writers of one cycle's log until the
// transaction ends.
func lockEventLog(ctx context.Context, tx pgx.Tx, cycleID uuid.UUID) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1::text))`, cycleID); err != nil {
		return fmt.Errorf("lock event log of cycle %s: %w", cycleID, err)
	}
	return nil
}

// insertEvent seals and inserts one event and moves the log's head. The
// payload enters the seal by the digest of the text PostgreSQL stores it
// as, so verification recomputes exactly what was sealed.
func insertEvent(ctx context.Context, tx pgx.Tx, keys *audit.Keyring, e Event, prev string, writerKey *string) error {
	payload := jsonOrEmpty(e.Payload)
	sealed := audit.Event{CycleID: e.CycleID, Seq: e.Seq, Kind: e.Kind, Step: e.Step, Actor: e.Actor, PrevHash: prev}
	err := tx.QueryRow(ctx, `SELECT encode(sha256(convert_to($1::jsonb::text, 'UTF8')), 'hex'), now()`, payload).
		Scan(&sealed.PayloadSHA256, &sealed.RecordedAt)
	if err != nil {
		return fmt.Errorf("digest payload: %w", err)
	}
	seal := keys.Sign(sealed.Message())
	_, err = tx.Exec(ctx, `INSERT INTO cycle_events (cycle_id, seq, kind, step, actor, payload, payload_sha256,
			prev_hash, hash, key_id, recorded_at, writer_key)
		VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12)`,
		e.CycleID, e.Seq, e.Kind, e.Step, e.Actor, payload, sealed.PayloadSHA256, prev, seal.MAC, seal.KeyID, sealed.RecordedAt, writerKey)
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
		key_id, recorded_at, coalesce(writer_key, '') FROM cycle_events WHERE cycle_id = $1 ORDER BY seq`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("events of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Event, error) {
		var e Event
		err := r.Scan(&e.CycleID, &e.Seq, &e.Kind, &e.Step, &e.Actor, &e.Payload, &e.PayloadSHA256, &e.PrevHash, &e.Hash,
			&e.KeyID, &e.RecordedAt, &e.WriterKey)
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

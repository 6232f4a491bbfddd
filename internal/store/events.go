package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Event is one entry of a cycle's append-only, hash-chained event log.
type Event struct {
	CycleID    uuid.UUID
	Seq        int
	Kind       string
	Step       string
	Actor      string
	Payload    json.RawMessage
	PrevHash   string
	Hash       string
	RecordedAt time.Time
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

// genesisHash chains the first event of every cycle.
const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// AppendEvent adds a workflow event and moves the projection, in one
// transaction. The workflow numbers its own events (e.Seq counts them), so
// a retried append of an event already written is a no-op and a gap is an
// error. Writers outside the workflow may have appended between two of its
// events, so the event is chained after the log's last entry, whoever
// wrote it: the log's seq numbers every event, the workflow's only its own.
func (s *Store) AppendEvent(ctx context.Context, e Event, p Projection) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := lockEventLog(ctx, tx, e.CycleID); err != nil {
			return err
		}
		var written int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM cycle_events WHERE cycle_id = $1 AND writer_key IS NULL`, e.CycleID).Scan(&written)
		if err != nil {
			return fmt.Errorf("read event log of cycle %s: %w", e.CycleID, err)
		}
		if e.Seq <= written {
			return nil
		}
		if e.Seq != written+1 {
			return fmt.Errorf("cycle %s event %d (%s): the workflow's log ends at %d", e.CycleID, e.Seq, e.Kind, written)
		}
		if _, err := chainEvent(ctx, tx, e, nil); err != nil {
			return err
		}
		return project(ctx, tx, e.CycleID, p)
	})
}

// lockEventLog serialises the writers of one cycle's log until the
// transaction ends.
func lockEventLog(ctx context.Context, tx pgx.Tx, cycleID uuid.UUID) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1::text))`, cycleID); err != nil {
		return fmt.Errorf("lock event log of cycle %s: %w", cycleID, err)
	}
	return nil
}

// chainEventSQL inserts an event after the log's last one, whoever wrote
// it, hashing it onto that event's hash; with a writer key ($8) it inserts
// nothing when an event of that key is already there. The caller holds the
// log's lock. $1 cycle, $2 kind, $3 step, $4 actor, $5 payload, $6 writer key.
var chainEventSQL = `
INSERT INTO cycle_events (cycle_id, seq, kind, step, actor, payload, prev_hash, hash, writer_key)
SELECT $1::uuid, last.seq + 1, $2::text, $3::text, $4::text, payload.p, last.hash,
       ` + eventHashSQL("last.hash", "(last.seq + 1)", "$2::text", "$3::text", "$4::text", "payload.p") + `, $6::text
FROM (SELECT $5::jsonb AS p) AS payload,
     (SELECT seq, hash FROM cycle_events WHERE cycle_id = $1
      UNION ALL SELECT 0, '` + genesisHash + `' ORDER BY seq DESC LIMIT 1) AS last
WHERE $6::text IS NULL OR NOT EXISTS (SELECT 1 FROM cycle_events WHERE cycle_id = $1 AND writer_key = $6::text)`

func chainEventArgs(e Event, writerKey *string) []any {
	return []any{e.CycleID, e.Kind, e.Step, e.Actor, jsonOrEmpty(e.Payload), writerKey}
}

// chainEvent appends e; see chainEventSQL.
func chainEvent(ctx context.Context, tx pgx.Tx, e Event, writerKey *string) (bool, error) {
	tag, err := tx.Exec(ctx, chainEventSQL, chainEventArgs(e, writerKey)...)
	if err != nil {
		return false, fmt.Errorf("append event %s to cycle %s: %w", e.Kind, e.CycleID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// eventHashSQL computes an event's hash in SQL over jsonb's canonical text,
// so verification reads back exactly the bytes that were hashed.
func eventHashSQL(prev, seq, kind, step, actor, payload string) string {
	return fmt.Sprintf(`encode(sha256(convert_to(%s || '|' || %s::text || '|' || %s || '|' || %s || '|' || %s || '|' || %s::text, 'UTF8')), 'hex')`,
		prev, seq, kind, step, actor, payload)
}

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
	rows, err := s.Pool.Query(ctx, `SELECT cycle_id, seq, kind, step, actor, payload, prev_hash, hash, recorded_at,
		coalesce(writer_key, '') FROM cycle_events WHERE cycle_id = $1 ORDER BY seq`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("events of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Event, error) {
		var e Event
		err := r.Scan(&e.CycleID, &e.Seq, &e.Kind, &e.Step, &e.Actor, &e.Payload, &e.PrevHash, &e.Hash, &e.RecordedAt, &e.WriterKey)
		return e, err
	})
}

// VerifyEvents recomputes the hash chain of a cycle's log and reports the
// first event that does not match.
func (s *Store) VerifyEvents(ctx context.Context, cycleID uuid.UUID) error {
	rows, err := s.Pool.Query(ctx, `SELECT seq, prev_hash, hash, `+eventHashSQL("prev_hash", "seq", "kind", "step", "actor", "payload")+`
		FROM cycle_events WHERE cycle_id = $1 ORDER BY seq`, cycleID)
	if err != nil {
		return fmt.Errorf("verify events of cycle %s: %w", cycleID, err)
	}
	defer rows.Close()
	prev, want := genesisHash, 1
	for rows.Next() {
		var seq int
		var prevHash, hash, recomputed string
		if err := rows.Scan(&seq, &prevHash, &hash, &recomputed); err != nil {
			return fmt.Errorf("verify events of cycle %s: %w", cycleID, err)
		}
		if seq != want || prevHash != prev || hash != recomputed {
			return fmt.Errorf("cycle %s event log broken at seq %d", cycleID, seq)
		}
		prev, want = hash, want+1
	}
	return rows.Err()
}

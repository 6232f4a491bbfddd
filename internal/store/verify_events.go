package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/audit"
)

const eventsTable = "cycle_events"

// storedEvent is an event as verification reads it, with what PostgreSQL
// recomputed from the stored payload (empty once retention removed it).
type storedEvent struct {
	audit.Event
	Hash          string
	KeyID         string
	Redacted      bool
	LegacyHash    string // the plain hash recomputed
	PayloadDigest string // the payload's digest recomputed
}

// row checks the event itself: its seal and payload digest, or for an
// event from before seals its plain hash.
func (ev storedEvent) row(keys *audit.Keyring) audit.Row {
	id := ev.CycleID.String()
	r := audit.Row{Ref: audit.Ref{Table: eventsTable, ID: id + "/" + strconv.Itoa(ev.Seq), Cycle: id},
		Seq: int64(ev.Seq), Prev: ev.PrevHash, Link: ev.Hash, Sealed: ev.KeyID != ""}
	switch {
	case r.Sealed:
		if err := keys.Verify(ev.Message(), audit.Seal{KeyID: ev.KeyID, MAC: ev.Hash}); err != nil {
			r.Err = fmt.Errorf("edited: %w", err)
		} else if !ev.Redacted && ev.PayloadDigest != ev.PayloadSHA256 {
			r.Err = errors.New("payload edited: it no longer has the sealed digest")
		}
	case ev.Redacted:
		r.Err = errors.New("payload of an unsealed event removed: its hash can no longer be checked")
	case ev.LegacyHash != ev.Hash:
		r.Err = errors.New("edited: its plain hash does not match")
	}
	return r
}

// verifyEvents checks the event logs of the given cycles (every cycle when
// nil): each log as a sealed chain ending at its sealed head, and each
// cycle's status against the events that end a cycle. Logs are read one
// cycle at a time.
func (s *Store) verifyEvents(ctx context.Context, keys *audit.Keyring, cycles []uuid.UUID, r *audit.Report) error {
	statuses, err := s.cycleStatuses(ctx, cycles)
	if err != nil {
		return err
	}
	heads, err := s.sealedHeads(ctx, keys, "events/%")
	if err != nil {
		return err
	}
	unsealed, err := s.unsealedUpTo(ctx)
	if err != nil {
		return err
	}
	if cycles != nil {
		maps.DeleteFunc(heads, func(chain string, _ *audit.SealedHead) bool {
			return !slices.ContainsFunc(cycles, func(id uuid.UUID) bool { return audit.EventChain(id) == chain })
		})
	}
	checked := map[uuid.UUID]bool{}
	check := func(id uuid.UUID, log []storedEvent) {
		checked[id] = true
		name := audit.EventChain(id)
		chain := audit.Chain{Name: name, Table: eventsTable, Cycle: id.String(), Genesis: audit.EventGenesis,
			Unsealed: unsealed[name]}
		kinds := map[string]bool{}
		rows := make([]audit.Row, len(log))
		for i, ev := range log {
			rows[i] = ev.row(keys)
			kinds[ev.Kind] = true
			r.Count(eventsTable, ev.KeyID != "")
		}
		r.Add(chain.Walk(rows, heads[name])...)
		if h := heads[name]; h != nil {
			r.Heads = append(r.Heads, h.Head)
		}
		if status, ok := statuses[id]; ok {
			if f, bad := audit.CheckStatus(id.String(), status, kinds); bad {
				r.Add(f)
			}
		}
	}
	if err := s.eachEventLog(ctx, cycles, check); err != nil {
		return err
	}
	// A cycle or a head whose events are all gone still has a log to check.
	for _, id := range withoutEvents(statuses, heads, checked) {
		check(id, nil)
	}
	return nil
}

// withoutEvents lists, in order, the cycles with a status or a head whose
// log was not read because it holds no events.
func withoutEvents(statuses map[uuid.UUID]string, heads map[string]*audit.SealedHead, checked map[uuid.UUID]bool) []uuid.UUID {
	missing := map[uuid.UUID]bool{}
	for id := range statuses {
		missing[id] = !checked[id]
	}
	for chain := range heads {
		if id, err := uuid.Parse(chain[len("events/"):]); err == nil {
			missing[id] = !checked[id]
		}
	}
	maps.DeleteFunc(missing, func(_ uuid.UUID, m bool) bool { return !m })
	return slices.SortedFunc(maps.Keys(missing), func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
}

func (s *Store) cycleStatuses(ctx context.Context, cycles []uuid.UUID) (map[uuid.UUID]string, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, status FROM cycles WHERE $1::uuid[] IS NULL OR id = ANY($1)`, cycles)
	if err != nil {
		return nil, fmt.Errorf("read cycle statuses: %w", err)
	}
	out := map[uuid.UUID]string{}
	var id uuid.UUID
	var status string
	_, err = pgx.ForEachRow(rows, []any{&id, &status}, func() error {
		out[id] = status
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read cycle statuses: %w", err)
	}
	return out, nil
}

// eachEventLog reads the given cycles' events (all when nil) in cycle and
// seq order and hands over each cycle's log whole.
func (s *Store) eachEventLog(ctx context.Context, cycles []uuid.UUID, fn func(uuid.UUID, []storedEvent)) error {
	rows, err := s.Pool.Query(ctx, `SELECT cycle_id, seq, kind, step, actor, payload_sha256, prev_hash, recorded_at,
			hash, key_id, payload IS NULL,
			CASE WHEN payload IS NULL THEN '' ELSE `+legacyEventHashSQL+` END,
			CASE WHEN payload IS NULL THEN '' ELSE encode(sha256(convert_to(payload::text, 'UTF8')), 'hex') END
		FROM cycle_events WHERE $1::uuid[] IS NULL OR cycle_id = ANY($1) ORDER BY cycle_id, seq`, cycles)
	if err != nil {
		return fmt.Errorf("read event logs: %w", err)
	}
	var log []storedEvent
	var ev storedEvent
	_, err = pgx.ForEachRow(rows, []any{&ev.CycleID, &ev.Seq, &ev.Kind, &ev.Step, &ev.Actor, &ev.PayloadSHA256, &ev.PrevHash,
		&ev.RecordedAt, &ev.Hash, &ev.KeyID, &ev.Redacted, &ev.LegacyHash, &ev.PayloadDigest}, func() error {
		if len(log) > 0 && log[0].CycleID != ev.CycleID {
			fn(log[0].CycleID, log)
			log = nil
		}
		log = append(log, ev)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read event logs: %w", err)
	}
	if len(log) > 0 {
		fn(log[0].CycleID, log)
	}
	return nil
}

package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/audit"
	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/recon"
)

// Resolution is an operator's decision on one stored break.
type Resolution struct {
	ID uuid.UUID
	recon.Resolution
	// Entry books an adjustment; nil for the other actions.
	Entry *ledger.Entry
}

// ErrConflict marks a resolution the stored break no longer allows, such
// as one resolved meanwhile by someone else.
var ErrConflict = errors.New("conflict")

// deadStatuses are cycles whose breaks can no longer be resolved: they
// were undone, and their breaks with them.
var deadStatuses = []string{lifecycle.StatusCompensating, lifecycle.StatusCompensated, lifecycle.StatusAbandoned}

// ResolveDiscrepancies applies the resolutions in one transaction, all or
// nothing: each break moves from open to its action's status with actor,
// reason and time; an adjustment's entry is posted; and each resolution
// is appended to its cycle's event log with actor and reason. A break
// already resolved exactly so (same action, actor and reason) is left as
// it is, so repeating a command or an import applies it once; any other
// break that is not open fails the whole call.
func (s *Store) ResolveDiscrepancies(ctx context.Context, list []Resolution) error {
	keys, err := s.sealer()
	if err != nil {
		return fmt.Errorf("resolve %d discrepancies: %w", len(list), err)
	}
	ids := make([]uuid.UUID, len(list))
	for i, r := range list {
		ids[i] = r.ID
	}
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		stored, err := lockBreaks(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, r := range list {
			d := stored[r.ID]
			if d.Action == r.Action && d.ResolvedBy == r.Actor && d.Reason == r.Reason {
				continue
			}
			if d.Status != recon.StatusOpen {
				return fmt.Errorf("%w: discrepancy %s is %s (by %s), no longer open", ErrConflict, r.ID, d.Status, d.ResolvedBy)
			}
			if err := s.resolveOne(ctx, tx, keys, d, r); err != nil {
				return fmt.Errorf("discrepancy %s: %w", r.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("resolve %d discrepancies: %w", len(list), err)
	}
	return nil
}

// lockBreaks loads the breaks for update, checks their cycles are live and
// locks those cycles' event logs, in a fixed order so two resolvers never
// wait on each other.
func lockBreaks(ctx context.Context, tx pgx.Tx, ids []uuid.UUID) (map[uuid.UUID]Discrepancy, error) {
	rows, err := tx.Query(ctx, `SELECT `+breakColumns+` FROM discrepancies WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, scanBreak)
	if err != nil {
		return nil, err
	}
	stored := make(map[uuid.UUID]Discrepancy, len(list))
	var cycles []uuid.UUID
	for _, d := range list {
		stored[d.ID] = d
		if !slices.Contains(cycles, d.CycleID) {
			cycles = append(cycles, d.CycleID)
		}
	}
	for _, id := range ids {
		if _, ok := stored[id]; !ok {
			return nil, fmt.Errorf("discrepancy %s: %w", id, ErrNotFound)
		}
	}
	var dead uuid.UUID
	err = tx.QueryRow(ctx, `SELECT id FROM cycles WHERE id = ANY($1) AND status = ANY($2) LIMIT 1`, cycles, deadStatuses).Scan(&dead)
	if err == nil {
		return nil, fmt.Errorf("%w: cycle %s was undone; its discrepancies can no longer be resolved", ErrConflict, dead)
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	slices.SortFunc(cycles, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	for _, c := range cycles {
		if err := lockEventLog(ctx, tx, c); err != nil {
			return nil, err
		}
	}
	return stored, nil
}

// resolveOne posts the resolution's entry, if any, moves the break and
// appends the resolution to the cycle's event log, with actor and reason.
func (s *Store) resolveOne(ctx context.Context, tx pgx.Tx, keys *audit.Keyring, d Discrepancy, r Resolution) error {
	status, err := recon.StatusAfter(r.Action)
	if err != nil {
		return err
	}
	var entry *uuid.UUID
	if r.Entry != nil {
		if _, err := postEntryTx(ctx, tx, keys, *r.Entry); err != nil {
			return err
		}
		entry = &r.Entry.ID
	}
	tag, err := tx.Exec(ctx, `UPDATE discrepancies SET status = $2, resolution_action = $3, resolved_by = $4, resolution_reason = $5,
		resolved_at = now(), journal_entry = $6 WHERE id = $1 AND status = 'open'`, d.ID, status, r.Action, r.Actor, r.Reason, entry)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("%w: it changed while it was being resolved", ErrConflict)
	}
	payload, err := json.Marshal(map[string]any{"discrepancy": d.ID, "pair": d.Pair, "kind": d.Kind, "key": d.Key,
		"action": r.Action, "reason": r.Reason, "journal_entry": entry})
	if err != nil {
		return err
	}
	e := Event{CycleID: d.CycleID, Kind: lifecycle.EventDiscrepancyResolved, Step: lifecycle.StepReconcile, Actor: r.Actor, Payload: payload}
	return s.appendKeyedEvent(ctx, tx, e, "discrepancy/"+d.ID.String())
}

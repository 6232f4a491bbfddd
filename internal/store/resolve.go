package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

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
	ids := make([]uuid.UUID, len(list))
	for i, r := range list {
		ids[i] = r.ID
	}
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		stored, err := lockBreaks(ctx, tx, ids)
		if err != nil {
			return err
		}
		batch := &pgx.Batch{}
		var checks []func(pgx.BatchResults) error
		for _, r := range list {
			d := stored[r.ID]
			if d.Action == r.Action && d.ResolvedBy == r.Actor && d.Reason == r.Reason {
				continue
			}
			if d.Status != recon.StatusOpen {
				return fmt.Errorf("%w: discrepancy %s is %s (by %s), no longer open", ErrConflict, r.ID, d.Status, d.ResolvedBy)
			}
			c, err := queueResolution(batch, d, r)
			if err != nil {
				return err
			}
			checks = append(checks, c...)
		}
		results := tx.SendBatch(ctx, batch)
		for _, check := range checks {
			if err := check(results); err != nil {
				results.Close()
				return err
			}
		}
		return results.Close()
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

// queueResolution queues one resolution's statements and returns the
// checks of their results, in order.
func queueResolution(batch *pgx.Batch, d Discrepancy, r Resolution) ([]func(pgx.BatchResults) error, error) {
	status, err := recon.StatusAfter(r.Action)
	if err != nil {
		return nil, err
	}
	var checks []func(pgx.BatchResults) error
	var entry *uuid.UUID
	if r.Entry != nil {
		if err := r.Entry.Validate(); err != nil {
			return nil, err
		}
		entry = &r.Entry.ID
		checks = append(checks, queueEntry(batch, *r.Entry)...)
	}
	batch.Queue(`UPDATE discrepancies SET status = $2, resolution_action = $3, resolved_by = $4, resolution_reason = $5,
		resolved_at = now(), journal_entry = $6 WHERE id = $1 AND status = 'open'`, d.ID, status, r.Action, r.Actor, r.Reason, entry)
	checks = append(checks, func(br pgx.BatchResults) error {
		tag, err := br.Exec()
		if err == nil && tag.RowsAffected() != 1 {
			err = fmt.Errorf("%w: discrepancy %s changed while it was being resolved", ErrConflict, d.ID)
		}
		return err
	})
	payload, err := json.Marshal(map[string]any{"discrepancy": d.ID, "pair": d.Pair, "kind": d.Kind, "key": d.Key,
		"action": r.Action, "reason": r.Reason, "journal_entry": entry})
	if err != nil {
		return nil, err
	}
	key := "discrepancy/" + d.ID.String()
	e := Event{CycleID: d.CycleID, Kind: lifecycle.EventDiscrepancyResolved, Step: lifecycle.StepReconcile, Actor: r.Actor, Payload: payload}
	batch.Queue(chainEventSQL, chainEventArgs(e, &key)...)
	checks = append(checks, execOnly)
	return checks, nil
}

// queueEntry queues a journal entry and its lines; a repeated entry ID
// adds nothing, and the database checks the entry balances at commit.
func queueEntry(batch *pgx.Batch, e ledger.Entry) []func(pgx.BatchResults) error {
	accounts, currencies, amounts := make([]string, len(e.Lines)), make([]string, len(e.Lines)), make([]int64, len(e.Lines))
	for i, l := range e.Lines {
		accounts[i], currencies[i], amounts[i] = l.Account, l.Currency, l.Amount
	}
	batch.Queue(`INSERT INTO journal_entries (id, cycle_id, kind, reverses, description) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO NOTHING`, e.ID, e.CycleID, e.Kind, e.Reverses, e.Description)
	batch.Queue(`INSERT INTO journal_lines (entry_id, line_no, account, currency, amount)
		SELECT $1, n, a, c, v FROM unnest($2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS l(a, c, v, n)
		ON CONFLICT DO NOTHING`, e.ID, accounts, currencies, amounts)
	return []func(pgx.BatchResults) error{execOnly, execOnly}
}

func execOnly(br pgx.BatchResults) error {
	_, err := br.Exec()
	return err
}

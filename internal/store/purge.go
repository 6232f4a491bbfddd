package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

// Cutoffs say what has expired: a finished cycle whose period ended before
// a cut-off loses that kind of data. A nil cut-off keeps it forever.
type Cutoffs struct {
	RawRecords    *time.Time
	Quarantine    *time.Time
	EventPayloads *time.Time
}

// Expired is a finished cycle with expired data still stored, and which.
type Expired struct {
	CycleID    uuid.UUID
	PeriodKey  string
	Staging    bool
	Quarantine bool
	Payloads   bool
}

// PurgedCycle is what one purge removed from one cycle.
type PurgedCycle struct {
	CycleID          uuid.UUID
	PartitionDropped bool
	Records          int64 // staged records dropped with the partition
	Quarantine       int64
	Payloads         int64 // event payloads redacted
}

// finishedStatuses are the cycles no workflow writes to any more.
var finishedStatuses = []string{lifecycle.StatusCompleted, lifecycle.StatusCompensated,
	lifecycle.StatusSuperseded, lifecycle.StatusAbandoned}

// ExpiredCycles lists the scope's finished cycles with expired data still
// stored, oldest period first, less those a legal hold covers, which it
// counts. A cycle that a revision still in progress supersedes is not
// finished with: undoing the revision would register its records again.
func (s *Store) ExpiredCycles(ctx context.Context, scope string, cut Cutoffs) ([]Expired, int64, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, period_key, staging, quarantine, payloads, held FROM (
		SELECT c.id, c.period_key, c.period_start, `+heldSQL+` AS held,
		    coalesce(c.period_end < $2 AND to_regclass('staged_' || replace(c.id::text, '-', '')) IS NOT NULL, false) AS staging,
		    coalesce(c.period_end < $3 AND EXISTS (SELECT 1 FROM quarantine q WHERE q.cycle_id = c.id), false) AS quarantine,
		    coalesce(c.period_end < $4 AND EXISTS (SELECT 1 FROM cycle_events e WHERE e.cycle_id = c.id
		        AND e.key_id <> '' AND e.payload IS NOT NULL AND e.kind <> $6), false) AS payloads
		FROM cycles c
		WHERE c.scope = $1 AND c.status = ANY($5)
		  AND NOT EXISTS (SELECT 1 FROM cycles r WHERE r.supersedes = c.id AND r.status <> ALL($5))) f
		WHERE staging OR quarantine OR payloads
		ORDER BY period_start, id`,
		scope, cut.RawRecords, cut.Quarantine, cut.EventPayloads, finishedStatuses, lifecycle.EventRetentionPurged)
	if err != nil {
		return nil, 0, fmt.Errorf("expired cycles of %s: %w", scope, err)
	}
	type candidate struct {
		Expired
		held bool
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (candidate, error) {
		var c candidate
		err := r.Scan(&c.CycleID, &c.PeriodKey, &c.Staging, &c.Quarantine, &c.Payloads, &c.held)
		return c, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("expired cycles of %s: %w", scope, err)
	}
	var out []Expired
	var held int64
	for _, c := range all {
		if c.held {
			held++
			continue
		}
		out = append(out, c.Expired)
	}
	return out, held, nil
}

// StartPurge records a purge run; a retried run finds its row.
func (s *Store) StartPurge(ctx context.Context, id uuid.UUID, runAt time.Time) error {
	if _, err := s.Pool.Exec(ctx, `INSERT INTO purges (id, run_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, id, runAt); err != nil {
		return fmt.Errorf("start purge %s: %w", id, err)
	}
	return nil
}

// PurgeCycle removes a cycle's expired data in one transaction: drops its
// staging partition, deletes its quarantine, redacts its event payloads
// (all but earlier purges' own records), and appends what it removed to
// the cycle's event log. Done once per purge: a retry returns what the
// first attempt removed. The settled-record registry, totals, figures and
// the books stay. now says whether this call removed it.
func (s *Store) PurgeCycle(ctx context.Context, purgeID uuid.UUID, e Expired) (res PurgedCycle, now bool, err error) {
	res.CycleID = e.CycleID
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO purged_cycles (purge_id, cycle_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, purgeID, e.CycleID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return tx.QueryRow(ctx, `SELECT partition_dropped, records_removed, quarantine_removed, payloads_redacted
				FROM purged_cycles WHERE purge_id = $1 AND cycle_id = $2`, purgeID, e.CycleID).
				Scan(&res.PartitionDropped, &res.Records, &res.Quarantine, &res.Payloads)
		}
		now = true
		if err := removeExpired(ctx, tx, e, &res); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE purged_cycles SET partition_dropped = $3, records_removed = $4,
			quarantine_removed = $5, payloads_redacted = $6 WHERE purge_id = $1 AND cycle_id = $2`,
			purgeID, e.CycleID, res.PartitionDropped, res.Records, res.Quarantine, res.Payloads); err != nil {
			return err
		}
		return s.recordPurged(ctx, tx, purgeID, res)
	})
	if err != nil {
		return PurgedCycle{}, false, fmt.Errorf("purge cycle %s (%s): %w", e.CycleID, e.PeriodKey, err)
	}
	return res, now, nil
}

func removeExpired(ctx context.Context, tx pgx.Tx, e Expired, res *PurgedCycle) error {
	if e.Staging {
		if err := dropPartition(ctx, tx, e.CycleID, res); err != nil {
			return err
		}
	}
	if e.Quarantine {
		tag, err := tx.Exec(ctx, `DELETE FROM quarantine WHERE cycle_id = $1`, e.CycleID)
		if err != nil {
			return err
		}
		res.Quarantine = tag.RowsAffected()
	}
	if e.Payloads {
		// Sealed payloads only: a sealed event keeps its payload's digest.
		err := tx.QueryRow(ctx, `SELECT settleflow_redact_events($1, $2)`, e.CycleID, lifecycle.EventRetentionPurged).
			Scan(&res.Payloads)
		if err != nil {
			return err
		}
	}
	return nil
}

// dropPartition counts the records of the cycle's staging partition and
// drops it, if it is still there.
func dropPartition(ctx context.Context, tx pgx.Tx, cycleID uuid.UUID, res *PurgedCycle) error {
	table := StagingTable(cycleID)
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, table.Sanitize()).Scan(&exists); err != nil || !exists {
		return err
	}
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+table.Sanitize()).Scan(&res.Records); err != nil {
		return err
	}
	// Only the owner drops a partition; the registry keeps what it settled.
	if _, err := tx.Exec(ctx, `SELECT settleflow_drop_staging($1)`, cycleID); err != nil {
		return err
	}
	res.PartitionDropped = true
	return nil
}

// recordPurged appends the purge to the cycle's log; its payload is counts
// only, which is why payload redaction leaves these events alone.
func (s *Store) recordPurged(ctx context.Context, tx pgx.Tx, purgeID uuid.UUID, res PurgedCycle) error {
	payload, err := json.Marshal(map[string]any{"purge": purgeID, "partition_dropped": res.PartitionDropped,
		"records_removed": res.Records, "quarantine_removed": res.Quarantine, "payloads_redacted": res.Payloads})
	if err != nil {
		return err
	}
	return s.appendEvent(ctx, tx, Event{CycleID: res.CycleID, Kind: lifecycle.EventRetentionPurged, Actor: "settleflow",
		Payload: payload}, Projection{})
}

// Purge is one run of the retention purge with its totals.
type Purge struct {
	ID                uuid.UUID
	RunAt             time.Time
	FinishedAt        *time.Time
	Cycles            int64
	PartitionsDropped int64
	RecordsRemoved    int64
	QuarantineRemoved int64
	PayloadsRedacted  int64
	Held              int64
}

// FinishPurge totals the run from its cycles and records how many expired
// cycles holds kept.
func (s *Store) FinishPurge(ctx context.Context, id uuid.UUID, held int64) (Purge, error) {
	row := s.Pool.QueryRow(ctx, `UPDATE purges p SET finished_at = now(), held = $2,
			cycles = t.n, partitions_dropped = t.partitions, records_removed = t.records,
			quarantine_removed = t.rejects, payloads_redacted = t.redacted
		FROM (SELECT count(*) AS n, count(*) FILTER (WHERE partition_dropped) AS partitions,
		             coalesce(sum(records_removed), 0)::bigint AS records, coalesce(sum(quarantine_removed), 0)::bigint AS rejects,
		             coalesce(sum(payloads_redacted), 0)::bigint AS redacted
		      FROM purged_cycles WHERE purge_id = $1) t
		WHERE p.id = $1 RETURNING `+purgeColumns, id, held)
	p, err := scanPurge(row)
	if err != nil {
		return Purge{}, fmt.Errorf("finish purge %s: %w", id, err)
	}
	return p, nil
}

const purgeColumns = `id, run_at, finished_at, cycles, partitions_dropped, records_removed, quarantine_removed,
	payloads_redacted, held`

// Purges lists the latest purge runs, newest first.
func (s *Store) Purges(ctx context.Context, limit int) ([]Purge, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+purgeColumns+` FROM purges ORDER BY run_at DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("purges: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Purge, error) { return scanPurge(r) })
}

func scanPurge(row pgx.Row) (Purge, error) {
	var p Purge
	err := row.Scan(&p.ID, &p.RunAt, &p.FinishedAt, &p.Cycles, &p.PartitionsDropped, &p.RecordsRemoved,
		&p.QuarantineRemoved, &p.PayloadsRedacted, &p.Held)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

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

// Cycle is a row of the cycles projection.
type Cycle struct {
	ID          uuid.UUID
	WorkflowID  string
	Scope       string
	PeriodKey   string
	PeriodStart time.Time
	PeriodEnd   time.Time
	Revision    int
	Status      string
	CurrentStep string
	StartedBy   string
	Agreements  json.RawMessage
	Config      json.RawMessage
	Summary     json.RawMessage
	Supersedes  *uuid.UUID
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

const cycleColumns = `id, workflow_id, scope, period_key, period_start, period_end, revision, status,
	current_step, started_by, agreements, config, summary, supersedes, created_at, updated_at`

// CreateCycle inserts the cycle unless a row with its ID exists, and returns
// the stored row either way, so a retried open is a no-op. An unfinished
// row of an earlier run of the same workflow is marked abandoned first:
// Temporal runs one execution per workflow ID at a time, so that run is
// over even if it could not record its end.
func (s *Store) CreateCycle(ctx context.Context, c Cycle) (Cycle, error) {
	unfinished := []string{lifecycle.StatusRunning, lifecycle.StatusCompensating, lifecycle.StatusBlocked}
	rows, err := s.Pool.Query(ctx, `UPDATE cycles SET status = $3, updated_at = now()
		WHERE workflow_id = $1 AND id <> $2 AND status = ANY($4) RETURNING id`, c.WorkflowID, c.ID, lifecycle.StatusAbandoned, unfinished)
	if err != nil {
		return Cycle{}, fmt.Errorf("abandon earlier runs of %s: %w", c.WorkflowID, err)
	}
	abandoned, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return Cycle{}, fmt.Errorf("abandon earlier runs of %s: %w", c.WorkflowID, err)
	}
	// What an abandoned run staged and registered must not count for the
	// run that settles the period now.
	for _, id := range abandoned {
		if err := s.DropStaging(ctx, id); err != nil {
			return Cycle{}, err
		}
	}
	_, err = s.Pool.Exec(ctx, `
		INSERT INTO cycles (id, workflow_id, scope, period_key, period_start, period_end, revision,
		                    status, started_by, agreements, config, supersedes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (id) DO NOTHING`,
		c.ID, c.WorkflowID, c.Scope, c.PeriodKey, c.PeriodStart, c.PeriodEnd, c.Revision,
		c.Status, c.StartedBy, jsonOrEmpty(c.Agreements), jsonOrEmpty(c.Config), c.Supersedes)
	if err != nil {
		return Cycle{}, fmt.Errorf("insert cycle %s (%s %s rev %d): %w", c.ID, c.Scope, c.PeriodKey, c.Revision, err)
	}
	return s.Cycle(ctx, c.ID)
}

// Cycle loads one cycle by ID.
func (s *Store) Cycle(ctx context.Context, id uuid.UUID) (Cycle, error) {
	row := s.Pool.QueryRow(ctx, `SELECT `+cycleColumns+` FROM cycles WHERE id = $1`, id)
	c, err := scanCycle(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return Cycle{}, fmt.Errorf("cycle %s: %w", id, ErrNotFound)
	}
	return c, err
}

// CyclesForPeriod lists every revision of one scope's period, newest first.
func (s *Store) CyclesForPeriod(ctx context.Context, scope string, periodStart time.Time) ([]Cycle, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+cycleColumns+` FROM cycles
		WHERE scope = $1 AND period_start = $2 ORDER BY revision DESC`, scope, periodStart)
	if err != nil {
		return nil, fmt.Errorf("cycles of %s at %s: %w", scope, periodStart.Format(time.RFC3339), err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Cycle, error) { return scanCycle(r) })
}

// LatestCycleOfWorkflow returns the newest cycle row a workflow ID wrote.
func (s *Store) LatestCycleOfWorkflow(ctx context.Context, workflowID string) (Cycle, error) {
	row := s.Pool.QueryRow(ctx, `SELECT `+cycleColumns+` FROM cycles WHERE workflow_id = $1
		ORDER BY created_at DESC LIMIT 1`, workflowID)
	c, err := scanCycle(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return Cycle{}, fmt.Errorf("no cycle recorded for workflow %s: %w", workflowID, ErrNotFound)
	}
	return c, err
}

// SetSummary stores the cycle's closing summary.
func (s *Store) SetSummary(ctx context.Context, id uuid.UUID, summary any) error {
	data, err := json.Marshal(summary)
	if err != nil {
		return fmt.Errorf("encode summary of cycle %s: %w", id, err)
	}
	if _, err := s.Pool.Exec(ctx, `UPDATE cycles SET summary = $2, updated_at = now() WHERE id = $1`, id, data); err != nil {
		return fmt.Errorf("store summary of cycle %s: %w", id, err)
	}
	return nil
}

// MarkSuperseded moves a completed cycle's projection to superseded once a
// later revision of its period completes.
func (s *Store) MarkSuperseded(ctx context.Context, id uuid.UUID) error {
	if _, err := s.Pool.Exec(ctx, `UPDATE cycles SET status = $2, updated_at = now()
		WHERE id = $1 AND status = $3`, id, lifecycle.StatusSuperseded, lifecycle.StatusCompleted); err != nil {
		return fmt.Errorf("mark cycle %s superseded: %w", id, err)
	}
	return nil
}

// PreviousCompleted returns the scope's latest completed cycle of an
// earlier period, if any, for comparisons such as new agreement versions.
func (s *Store) PreviousCompleted(ctx context.Context, scope string, before time.Time) (Cycle, bool, error) {
	settled := []string{lifecycle.StatusCompleted, lifecycle.StatusSuperseded}
	row := s.Pool.QueryRow(ctx, `SELECT `+cycleColumns+` FROM cycles
		WHERE scope = $1 AND period_start < $2 AND status = ANY($3)
		ORDER BY period_start DESC, revision DESC LIMIT 1`, scope, before, settled)
	c, err := scanCycle(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return Cycle{}, false, nil
	}
	if err != nil {
		return Cycle{}, false, fmt.Errorf("previous cycle of %s: %w", scope, err)
	}
	return c, true, nil
}

func scanCycle(row pgx.Row) (Cycle, error) {
	var c Cycle
	err := row.Scan(&c.ID, &c.WorkflowID, &c.Scope, &c.PeriodKey, &c.PeriodStart, &c.PeriodEnd, &c.Revision,
		&c.Status, &c.CurrentStep, &c.StartedBy, &c.Agreements, &c.Config, &c.Summary, &c.Supersedes, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return Cycle{}, err
	}
	c.PeriodStart, c.PeriodEnd = c.PeriodStart.UTC(), c.PeriodEnd.UTC()
	return c, nil
}

func jsonOrEmpty(raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return []byte("{}")
	}
	return raw
}

// RecentCycles returns the latest cycles, newest first, of one scope
// unless scope is empty.
func (s *Store) RecentCycles(ctx context.Context, scope string, limit int) ([]Cycle, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+cycleColumns+` FROM cycles
		WHERE $1 = '' OR scope = $1 ORDER BY created_at DESC LIMIT $2`, scope, limit)
	if err != nil {
		return nil, fmt.Errorf("recent cycles: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Cycle, error) { return scanCycle(r) })
}

package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/record"
)

// stagingColumns are staged_records' columns in COPY order.
var stagingColumns = []string{"cycle_id", "pos", "key", "amount", "occurred_at", "source", "external_id",
	"reference_id", "player", "type", "currency", "attrs", "content_hash"}

// StagingTable is the partition of staged_records that holds one cycle's
// records. Hot paths name it directly so they never lock the parent.
func StagingTable(cycleID uuid.UUID) pgx.Identifier {
	return pgx.Identifier{"staged_" + strings.ReplaceAll(cycleID.String(), "-", "")}
}

// CreateStaging creates the cycle's partition if it does not exist yet.
// The application role owns no table, so a function of the owner's
// creates and attaches it (migration 00025).
func (s *Store) CreateStaging(ctx context.Context, cycleID uuid.UUID) error {
	if _, err := s.Pool.Exec(ctx, `SELECT settleflow_create_staging($1)`, cycleID); err != nil {
		return fmt.Errorf("create staging of cycle %s: %w", cycleID, err)
	}
	return nil
}

// DropStaging removes the cycle's partition, quarantine and totals, and
// what it registered as settled: the undo of a pull. Staging is scratch
// space, not the books.
func (s *Store) DropStaging(ctx context.Context, cycleID uuid.UUID) error {
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := unregister(ctx, tx, cycleID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT settleflow_drop_staging($1)`, cycleID); err != nil {
			return err
		}
		for _, table := range []string{"cycle_totals", "control_totals", "source_fallbacks", "quarantine"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE cycle_id = $1`, cycleID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("drop staging of cycle %s: %w", cycleID, err)
	}
	return nil
}

// analyze refreshes a table's statistics through the owner's function:
// only an owner may ANALYZE, and for anyone else PostgreSQL skips it with
// no more than a warning.
func (s *Store) analyze(ctx context.Context, table pgx.Identifier) error {
	_, err := s.Pool.Exec(ctx, `SELECT settleflow_analyze($1::regclass)`, table.Sanitize())
	return err
}

// DiscardSource removes one source's staged and quarantined records from
// the cycle, when an operator settles without it.
func (s *Store) DiscardSource(ctx context.Context, cycleID uuid.UUID, source string) (int64, error) {
	var removed int64
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM `+StagingTable(cycleID).Sanitize()+` WHERE source = $1`, source)
		if err != nil && !isUndefinedTable(err) {
			return err
		}
		removed = tag.RowsAffected()
		for _, table := range []string{"control_totals", "source_fallbacks", "quarantine"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE cycle_id = $1 AND source = $2`, cycleID, source); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("discard source %s of cycle %s: %w", source, cycleID, err)
	}
	return removed, nil
}

// Batch says where a run of pages is staged.
type Batch struct {
	CycleID uuid.UUID
	Scope   string
	Source  string
	// Slice is the slice of the source's period the pages belong to.
	Slice int
}

// StagedPage is one fetched page as staging takes it. Number counts the
// pages of the slice from 0; with the record's index it makes the record's
// position, so a page fetched again after a retry stages at the same
// position and de-duplication keeps the version delivered first.
type StagedPage struct {
	Number  int
	Records []record.Record
	Rejects []record.Reject
}

// BatchResult counts what a batch staged.
type BatchResult struct {
	Pages   int
	Records int // COPYed into staging
	Rejects int // format rejects quarantined (a re-fetched one only once)
}

// Position limits: a position is slice<<44 | page<<20 | index.
const (
	maxSlices      = 1 << 19
	maxPagesPerRun = 1 << 24
	maxPageRecords = 1 << 20
)

// StageBatch COPYs the records of every page next returns, until it returns
// nil, into the cycle's partition, and quarantines the pages' format
// rejects, in one transaction: the batch is staged whole or not at all.
// Duplicates are left for FinishSource to resolve once, set-based.
func (s *Store) StageBatch(ctx context.Context, b Batch, next func() (*StagedPage, error)) (BatchResult, error) {
	if b.Slice < 0 || b.Slice >= maxSlices {
		return BatchResult{}, fmt.Errorf("stage %s: slice %d out of range", b.Source, b.Slice)
	}
	src := &copySource{batch: b, next: next}
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.CopyFrom(ctx, StagingTable(b.CycleID), stagingColumns, src); err != nil {
			if src.err != nil {
				return src.err
			}
			return fmt.Errorf("copy: %w", err)
		}
		if src.err != nil {
			return src.err
		}
		n, err := quarantineFormatRejects(ctx, tx, b, src.rejects)
		src.res.Rejects = n
		return err
	})
	if err != nil {
		return BatchResult{}, fmt.Errorf("stage batch of %s for cycle %s: %w", b.Source, b.CycleID, err)
	}
	return src.res, nil
}

// isUndefinedTable reports a missing partition (42P01).
func isUndefinedTable(err error) bool {
	var code interface{ SQLState() string }
	return errors.As(err, &code) && code.SQLState() == "42P01"
}

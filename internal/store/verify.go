package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/audit"
)

// VerifyBooks checks the books against their seals and chains with the
// store's keys: the event log of every cycle, or of the given cycles only,
// and the journal and the statements, which are one chain each and so are
// always walked whole; given cycles, only findings about those cycles and
// about the shared chains themselves are kept.
func (s *Store) VerifyBooks(ctx context.Context, cycles []uuid.UUID) (*audit.Report, error) {
	keys, err := s.sealer()
	if err != nil {
		return nil, err
	}
	r := audit.NewReport()
	if err := s.verifyEvents(ctx, keys, cycles, r); err != nil {
		return nil, err
	}
	if err := s.verifyJournal(ctx, keys, r); err != nil {
		return nil, err
	}
	if err := s.verifyStatements(ctx, keys, r); err != nil {
		return nil, err
	}
	if cycles != nil {
		ids := make([]string, len(cycles))
		for i, id := range cycles {
			ids[i] = id.String()
		}
		r.Only(ids)
	}
	return r, nil
}

// walkShared walks one of the chains all cycles share (the journal, the
// statements) against its sealed head and how far it went before seals.
func (s *Store) walkShared(ctx context.Context, keys *audit.Keyring, r *audit.Report, chain audit.Chain, rows []audit.Row) error {
	heads, err := s.sealedHeads(ctx, keys, chain.Name)
	if err != nil {
		return err
	}
	unsealed, err := s.unsealedUpTo(ctx)
	if err != nil {
		return err
	}
	chain.Unsealed = unsealed[chain.Name]
	head := heads[chain.Name]
	r.Add(chain.Walk(rows, head)...)
	if head != nil {
		r.Heads = append(r.Heads, head.Head)
	}
	return nil
}

// CycleIDsOfWorkflow lists the cycles every run of a workflow recorded,
// oldest first.
func (s *Store) CycleIDsOfWorkflow(ctx context.Context, workflowID string) ([]uuid.UUID, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id FROM cycles WHERE workflow_id = $1 ORDER BY created_at`, workflowID)
	if err != nil {
		return nil, fmt.Errorf("cycles of workflow %s: %w", workflowID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("cycles of workflow %s: %w", workflowID, err)
	}
	return ids, nil
}

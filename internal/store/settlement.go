package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/settle"
)

// SaveSettlementLines stores the split of a cycle, one row per share. The
// split is a pure function of staged data and frozen agreements, so a retry
// writes the same rows and conflicts are ignored.
func (s *Store) SaveSettlementLines(ctx context.Context, cycleID uuid.UUID, shares []settle.Share) error {
	batch := &pgx.Batch{}
	for _, l := range shares {
		batch.Queue(`INSERT INTO settlement_lines (cycle_id, partner, currency, ggr, partner_amount, operator_amount,
				agreement_version, explanation)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
			cycleID, l.Partner, l.Currency, l.GGR, l.PartnerAmount, l.OperatorAmount, l.AgreementVersion, l.Explanation)
	}
	if err := s.Pool.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("save %d settlement lines of cycle %s: %w", len(shares), cycleID, err)
	}
	return nil
}

// SettlementLines loads a cycle's split ordered by partner and currency.
func (s *Store) SettlementLines(ctx context.Context, cycleID uuid.UUID) ([]settle.Share, error) {
	rows, err := s.Pool.Query(ctx, `SELECT partner, currency, ggr, partner_amount, operator_amount, agreement_version, explanation
		FROM settlement_lines WHERE cycle_id = $1 ORDER BY partner, currency`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("settlement lines of cycle %s: %w", cycleID, err)
	}
	// Each column is scanned into its field rather than mapped by position,
	// so reordering settle.Share's fields cannot shift the columns.
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (settle.Share, error) {
		var l settle.Share
		err := r.Scan(&l.Partner, &l.Currency, &l.GGR, &l.PartnerAmount, &l.OperatorAmount, &l.AgreementVersion, &l.Explanation)
		return l, err
	})
}

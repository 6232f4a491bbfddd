package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// SettlementLine is a computed partner share as stored.
type SettlementLine struct {
	Partner          string
	Currency         string
	GGR              int64
	PartnerAmount    int64
	OperatorAmount   int64
	AgreementVersion int
	Explanation      string
}

// SaveSettlementLines stores the split of a cycle. The split is a pure
// function of staged data and frozen agreements, so a retry writes the same
// rows and conflicts are ignored.
func (s *Store) SaveSettlementLines(ctx context.Context, cycleID uuid.UUID, lines []SettlementLine) error {
	batch := &pgx.Batch{}
	for _, l := range lines {
		batch.Queue(`INSERT INTO settlement_lines (cycle_id, partner, currency, ggr, partner_amount, operator_amount,
				agreement_version, explanation)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
			cycleID, l.Partner, l.Currency, l.GGR, l.PartnerAmount, l.OperatorAmount, l.AgreementVersion, l.Explanation)
	}
	if err := s.Pool.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("save %d settlement lines of cycle %s: %w", len(lines), cycleID, err)
	}
	return nil
}

// SettlementLines loads a cycle's split ordered by partner and currency.
func (s *Store) SettlementLines(ctx context.Context, cycleID uuid.UUID) ([]SettlementLine, error) {
	rows, err := s.Pool.Query(ctx, `SELECT partner, currency, ggr, partner_amount, operator_amount, agreement_version, explanation
		FROM settlement_lines WHERE cycle_id = $1 ORDER BY partner, currency`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("settlement lines of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[SettlementLine])
}

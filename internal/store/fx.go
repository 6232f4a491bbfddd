package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// FXRow is one staged rate record's fields, as the fx adapter writes them.
type FXRow struct {
	Source, ExternalID      string
	Date, Base, Quote, Rate string
}

// FXRows returns the rate records the cycle staged from the given sources;
// a daily period holds a handful.
func (s *Store) FXRows(ctx context.Context, cycleID uuid.UUID, sources []string) ([]FXRow, error) {
	if len(sources) == 0 {
		return nil, nil
	}
	rows, err := s.Pool.Query(ctx, `SELECT source, external_id, coalesce(attrs->>'date', ''), coalesce(attrs->>'base', ''),
			coalesce(attrs->>'quote', ''), coalesce(attrs->>'rate', '')
		FROM `+StagingTable(cycleID).Sanitize()+` WHERE source = ANY($1) AND type = 'rate' ORDER BY source, external_id`, sources)
	if err != nil {
		return nil, fmt.Errorf("fx rates of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[FXRow])
}

package store

import (
	"context"
	"fmt"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

// BlockedCycles counts, per scope, the cycles waiting for an operator
// after a failure: those whose latest event is the block itself (an
// operator's action or the auto-abort comes next in the log).
func (s *Store) BlockedCycles(ctx context.Context) (map[string]int64, error) {
	rows, err := s.Pool.Query(ctx, `SELECT c.scope, count(*) FROM cycles c
		CROSS JOIN LATERAL (SELECT kind FROM cycle_events e WHERE e.cycle_id = c.id ORDER BY seq DESC LIMIT 1) last
		WHERE c.status = $1 AND last.kind = $2 GROUP BY c.scope`, lifecycle.StatusBlocked, lifecycle.EventCycleBlocked)
	if err != nil {
		return nil, fmt.Errorf("blocked cycles: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var scope string
		var n int64
		if err := rows.Scan(&scope, &n); err != nil {
			return nil, fmt.Errorf("blocked cycles: %w", err)
		}
		out[scope] = n
	}
	return out, rows.Err()
}

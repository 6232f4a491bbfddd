package activities

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/source"
)

// saveControlTotals stores what the source says it booked in the cycle's
// period, when its feed publishes control totals, and returns how many
// lines it said. Reconciliation compares them with what was staged.
func (a *Activities) saveControlTotals(ctx context.Context, cycleID uuid.UUID, name string) (int, error) {
	c, err := a.Store.Cycle(ctx, cycleID)
	if err != nil {
		return 0, err
	}
	_, adapter, err := a.openSource(c.Scope, name)
	if err != nil {
		return 0, err
	}
	s, ok := adapter.(source.Summarizer)
	if !ok {
		return 0, nil
	}
	totals, err := s.Summary(ctx, c.PeriodStart, c.PeriodEnd)
	if err != nil {
		return 0, pullError(fmt.Sprintf("source %s control totals", name), err)
	}
	return len(totals), a.Store.SaveControlTotals(ctx, cycleID, name, totals)
}

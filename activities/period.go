package activities

import (
	"context"
	"fmt"
	"time"
)

// PeriodRequest asks which period a scheduled run of a scope settles.
type PeriodRequest struct {
	Scope string
	// Nominal is the time the schedule meant to fire, not when it did: a
	// run delayed by an outage or started by a backfill still settles the
	// period its nominal time names.
	Nominal time.Time
}

// PeriodResult is the resolved period and its key.
type PeriodResult struct {
	Key        string
	Start, End time.Time
}

// ResolvePeriod maps a schedule's nominal time to the latest period of the
// scope's calendar whose end plus the scope's late-data grace is at or
// before it (schedules fire that long after each cut-off). It runs as a local
// activity because the calendar lives in the worker's catalog, which a
// workflow must not read directly: a config change would alter replay.
func (a *Activities) ResolvePeriod(_ context.Context, in PeriodRequest) (PeriodResult, error) {
	sc, err := a.Catalog.Scope(in.Scope)
	if err != nil {
		return PeriodResult{}, badData(err)
	}
	if in.Nominal.IsZero() {
		return PeriodResult{}, badData(fmt.Errorf("scope %s: no nominal time to resolve a period from", in.Scope))
	}
	p := sc.LatestSettleable(in.Nominal)
	return PeriodResult{Key: sc.Calendar.Key(p), Start: p.Start, End: p.End}, nil
}

package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/scope"
	"github.com/settleflow/settleflow/internal/store"
)

// PurgeInput is one run of the retention purge. At is the run's time:
// every cut-off is At less a scope's retention.
type PurgeInput struct {
	PurgeID uuid.UUID
	At      time.Time
}

// PurgeResult is the run as recorded: what it removed, and how many
// expired cycles legal holds kept.
type PurgeResult = store.Purge

// Purge removes, scope by scope, what the scope's retention says has
// expired from its finished cycles that no legal hold covers: staged
// records, quarantine, event payloads. The books, the settled-record
// registry, totals and figures stay. Each cycle is done in one transaction
// that also appends what it removed to the cycle's log; a retried run
// skips the cycles it has done.
func (a *Activities) Purge(ctx context.Context, in PurgeInput) (PurgeResult, error) {
	if err := a.Store.StartPurge(ctx, in.PurgeID, in.At); err != nil {
		return PurgeResult{}, err
	}
	var held int64
	for _, name := range a.Catalog.ScopeNames() {
		h, err := a.purgeScope(ctx, in, a.Catalog.Scopes[name])
		if err != nil {
			return PurgeResult{}, err
		}
		held += h
	}
	return a.Store.FinishPurge(ctx, in.PurgeID, held)
}

// purgeScope purges one scope and returns how many expired cycles holds kept.
func (a *Activities) purgeScope(ctx context.Context, in PurgeInput, sc scope.Scope) (int64, error) {
	cut := cutoffs(sc.Retention, in.At)
	if cut == (store.Cutoffs{}) {
		return 0, nil // keeps everything
	}
	expired, held, err := a.Store.ExpiredCycles(ctx, sc.Name, cut)
	if err != nil {
		return 0, err
	}
	for _, e := range expired {
		if e.Payloads {
			// A log that does not verify is evidence: never redact it.
			if err := a.Store.VerifyEvents(ctx, e.CycleID); err != nil {
				return 0, badData(fmt.Errorf("scope %s period %s: not redacting: %w", sc.Name, e.PeriodKey, err))
			}
		}
		res, now, err := a.Store.PurgeCycle(ctx, in.PurgeID, e)
		if err != nil {
			return 0, err
		}
		if !now {
			continue // an earlier attempt of this run did it
		}
		a.Metrics.Purged(ctx, sc.Name, "staged_records", res.Records)
		a.Metrics.Purged(ctx, sc.Name, "quarantine", res.Quarantine)
		a.Metrics.Purged(ctx, sc.Name, "event_payloads", res.Payloads)
		a.logger().Info("purged", "scope", sc.Name, "period", e.PeriodKey, "cycle", e.CycleID,
			"records", res.Records, "quarantine", res.Quarantine, "payloads", res.Payloads)
	}
	return held, nil
}

// cutoffs turns a retention into cut-offs at the run's time.
func cutoffs(r scope.Retention, at time.Time) store.Cutoffs {
	before := func(d time.Duration) *time.Time {
		if d == 0 {
			return nil
		}
		t := at.Add(-d)
		return &t
	}
	return store.Cutoffs{RawRecords: before(r.RawRecords), Quarantine: before(r.Quarantine), EventPayloads: before(r.EventPayloads)}
}

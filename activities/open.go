package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/settleflow/settleflow/internal/agreement"
	"github.com/settleflow/settleflow/internal/calendar"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/store"
)

// clockSkew is how far a worker's clock may lag the clock that decided a
// period had ended.
const clockSkew = time.Minute

// frozenConfig is what a cycle stores of its scope at open, so later steps
// and later readers see the terms the cycle ran under.
type frozenConfig struct {
	Sources []SourceRef `json:"sources"`
	// Uncovered is the scope's intake.uncovered_currency; empty in cycles
	// opened before it existed, which block on such records at split.
	Uncovered string `json:"uncovered_currency,omitempty"`
}

// Open records the cycle and freezes its sources and the agreement versions
// in force for the period. Opening an already-open cycle returns what was
// frozen the first time.
func (a *Activities) Open(ctx context.Context, in OpenInput) (OpenResult, error) {
	sc, err := a.Catalog.Scope(in.Scope)
	if err != nil {
		return OpenResult{}, badData(err)
	}
	if in.Forced == "" {
		// Whoever started the cycle, partners may still be delivering. A
		// schedule fires on the Temporal server's clock, so a worker's
		// clock a little behind it must not refuse the period.
		if err := sc.CheckEnded(calendar.Period{Start: in.PeriodStart, End: in.PeriodEnd}, time.Now().Add(clockSkew)); err != nil {
			return OpenResult{}, badData(err)
		}
	}
	res := OpenResult{Revision: in.Revision, AutoAbortAfter: sc.Blocked.AutoAbortAfter, Steps: sc.Resilience.Steps}
	if in.Revise {
		prev, err := a.revisionOf(ctx, in)
		if err != nil {
			return OpenResult{}, err
		}
		res.Revision, res.Supersedes = prev.Revision+1, &prev.ID
	} else if err := a.refuseSettled(ctx, in); err != nil {
		return OpenResult{}, err
	}
	versions := map[string]agreement.Version{}
	for _, src := range sc.Sources {
		res.Sources = append(res.Sources, SourceRef{Name: src.Name, Kind: src.Kind, Partner: src.Partner, Optional: src.Optional,
			Slices: src.Slices, Parallel: src.Parallel, Fallback: src.Fallback, FallbackMode: src.FallbackMode})
		if _, done := versions[src.Partner]; done || src.Partner == "" {
			continue
		}
		ag, ok := a.Catalog.Agreements[src.Partner]
		if !ok {
			return OpenResult{}, badData(fmt.Errorf("scope %s source %s: no agreement for partner %s", sc.Name, src.Name, src.Partner))
		}
		// Agreements are dated in business days of the scope's calendar.
		from, to := sc.Calendar.BusinessDates(calendar.Period{Start: in.PeriodStart, End: in.PeriodEnd})
		v, err := ag.InForce(from, to)
		if err != nil {
			return OpenResult{}, badData(fmt.Errorf("scope %s partner %s: %w", sc.Name, src.Partner, err))
		}
		versions[src.Partner] = v
		res.Agreements = append(res.Agreements, FrozenAgreement{Partner: src.Partner, Version: v.Number})
	}
	agreements, err := json.Marshal(versions)
	if err != nil {
		return OpenResult{}, fmt.Errorf("freeze agreements: %w", err)
	}
	cfg, err := json.Marshal(frozenConfig{Sources: res.Sources, Uncovered: sc.Intake.UncoveredCurrency})
	if err != nil {
		return OpenResult{}, fmt.Errorf("freeze config: %w", err)
	}
	_, err = a.Store.CreateCycle(ctx, store.Cycle{
		ID: in.CycleID, WorkflowID: in.WorkflowID, Scope: in.Scope, PeriodKey: in.PeriodKey,
		PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd, Revision: res.Revision,
		Status: lifecycle.StatusRunning, StartedBy: in.StartedBy, Agreements: agreements, Config: cfg, Supersedes: res.Supersedes,
	})
	if err != nil {
		return OpenResult{}, err
	}
	return res, a.Store.CreateStaging(ctx, in.CycleID)
}

// revisionOf finds the completed cycle a revise settles again. The first
// attempt's choice is kept: a retried open finds its own row and reuses it.
func (a *Activities) revisionOf(ctx context.Context, in OpenInput) (store.Cycle, error) {
	existing, err := a.Store.CyclesForPeriod(ctx, in.Scope, in.PeriodStart)
	if err != nil {
		return store.Cycle{}, err
	}
	for _, c := range existing {
		if c.ID == in.CycleID && c.Supersedes != nil {
			return a.Store.Cycle(ctx, *c.Supersedes)
		}
	}
	for _, c := range existing { // newest revision first
		if c.Status == lifecycle.StatusCompleted {
			return c, nil
		}
	}
	return store.Cycle{}, badData(fmt.Errorf("scope %s period %s has no completed cycle to revise", in.Scope, in.PeriodKey))
}

// refuseSettled stops a second settlement of a period that already has a
// completed cycle at this revision or later: only an explicit revision may
// settle it again.
func (a *Activities) refuseSettled(ctx context.Context, in OpenInput) error {
	existing, err := a.Store.CyclesForPeriod(ctx, in.Scope, in.PeriodStart)
	if err != nil {
		return err
	}
	for _, c := range existing {
		if c.ID != in.CycleID && c.Status == lifecycle.StatusCompleted && c.Revision >= in.Revision {
			return badData(fmt.Errorf("scope %s period %s is already settled by cycle %s (revision %d); settle it again only as a new revision",
				in.Scope, in.PeriodKey, c.ID, c.Revision))
		}
	}
	return nil
}

// frozenAgreements reads back the versions a cycle was opened with.
func frozenAgreements(c store.Cycle) (map[string]agreement.Version, error) {
	versions := map[string]agreement.Version{}
	if err := json.Unmarshal(c.Agreements, &versions); err != nil {
		return nil, fmt.Errorf("cycle %s: frozen agreements: %w", c.ID, err)
	}
	return versions, nil
}

// frozenSources reads back the sources a cycle was opened with.
func frozenSources(c store.Cycle) ([]SourceRef, error) {
	cfg, err := frozenConfigOf(c)
	return cfg.Sources, err
}

func frozenConfigOf(c store.Cycle) (frozenConfig, error) {
	var cfg frozenConfig
	if err := json.Unmarshal(c.Config, &cfg); err != nil {
		return cfg, fmt.Errorf("cycle %s: frozen config: %w", c.ID, err)
	}
	return cfg, nil
}

package platform

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/money"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/store"
)

// Operators' work on reconciliation breaks, in one place for the CLI and
// the HTTP API: list, resolve one, export and import many. Everything goes
// straight to Postgres; the workflow learns of resolutions when its gate
// next looks (a retried reconcile step, or the approver).

// FindCycle resolves a cycle named by its workflow ID (settle/<scope>/<period>)
// or its cycle ID; a workflow ID names its latest run.
func FindCycle(ctx context.Context, st *store.Store, ref string) (store.Cycle, error) {
	if id, err := uuid.Parse(ref); err == nil {
		return st.Cycle(ctx, id)
	}
	return st.LatestCycleOfWorkflow(ctx, ref)
}

// BreakQuery selects breaks of one cycle.
type BreakQuery struct {
	Cycle  string // workflow ID or cycle ID
	Status string
	// Type is a reason code (AMOUNT_MISMATCH) or a record type (bet).
	Type string
	// MinAmount is a decimal amount of the cycle's reporting currency.
	MinAmount string
	// Limit, when positive, pages the list from Offset.
	Limit, Offset int
}

// ListDiscrepancies lists a cycle's breaks in priority order.
func ListDiscrepancies(ctx context.Context, st *store.Store, q BreakQuery) (store.Cycle, []store.Discrepancy, error) {
	c, err := FindCycle(ctx, st, q.Cycle)
	if err != nil {
		return c, nil, err
	}
	f := store.BreakFilter{CycleID: c.ID, Status: q.Status, Type: q.Type, Limit: q.Limit, Offset: q.Offset}
	// Errors name the filters as the API does (an InvalidError answers 400
	// naming the field); the CLI's --status and --min-amount are the same.
	if q.Status != "" && !slices.Contains(recon.Statuses, q.Status) {
		return c, nil, invalid("status", fmt.Errorf("%q: want one of %v", q.Status, recon.Statuses))
	}
	if q.MinAmount != "" {
		if f.MinReporting, err = minReporting(ctx, st, c, q.MinAmount); err != nil {
			return c, nil, err
		}
	}
	list, err := st.Discrepancies(ctx, f)
	return c, list, err
}

// minReporting reads a decimal amount in the cycle's reporting currency.
func minReporting(ctx context.Context, st *store.Store, c store.Cycle, amount string) (*int64, error) {
	open, err := st.OpenBreaks(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	cur, err := money.Lookup(open.ReportingCurrency)
	if err != nil {
		return nil, invalid("min_amount", fmt.Errorf("cycle %s values no breaks (its scope names no reporting currency)", c.WorkflowID))
	}
	v, err := money.ParseAmount(amount, cur)
	if err != nil {
		return nil, invalid("min_amount", err)
	}
	return &v, nil
}

// Resolve is an operator's decision on one break.
type Resolve struct {
	ID uuid.UUID
	recon.Resolution
}

// ResolveDiscrepancies checks each decision against its break and applies
// them all in one transaction, or none: see store.ResolveDiscrepancies.
// An adjustment books the break's difference in an entry of its own whose
// ID derives from the break, so a repeat posts it once.
func ResolveDiscrepancies(ctx context.Context, st *store.Store, list []Resolve) error {
	ids := make([]uuid.UUID, len(list))
	for i, r := range list {
		ids[i] = r.ID
	}
	stored, err := st.DiscrepanciesByID(ctx, ids)
	if err != nil {
		return err
	}
	out := make([]store.Resolution, len(list))
	for i, r := range list {
		d, ok := stored[r.ID]
		if !ok {
			return fmt.Errorf("discrepancy %s: %w", r.ID, store.ErrNotFound)
		}
		res, err := resolution(d, r.Resolution)
		if err != nil {
			return fmt.Errorf("discrepancy %s: %w", r.ID, err)
		}
		out[i] = res
	}
	return st.ResolveDiscrepancies(ctx, out)
}

// resolution checks one decision and builds what it posts. Repeating the
// resolution a break already has is allowed: it applies once.
func resolution(d store.Discrepancy, r recon.Resolution) (store.Resolution, error) {
	out := store.Resolution{ID: d.ID, Resolution: r}
	if !sameResolution(d, r) {
		if err := r.Check(d.Break()); err != nil {
			return out, err
		}
	}
	if r.Action != recon.ActionAdjust {
		return out, nil
	}
	if d.Difference == nil {
		return out, recon.FieldError{Field: "action", Err: errors.New("adjust: the break has no difference in one currency")}
	}
	e, err := ledger.AdjustmentEntry(recon.AdjustmentEntryID(d.ID), d.CycleID,
		fmt.Sprintf("adjustment of %s %s %s by %s: %s", d.Pair, d.Kind, d.Key, r.Actor, r.Reason), d.Currency, *d.Difference, d.OtherSource())
	out.Entry = &e
	return out, err
}

func sameResolution(d store.Discrepancy, r recon.Resolution) bool {
	return d.Action == r.Action && d.ResolvedBy == r.Actor && d.Reason == r.Reason
}

package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/settleflow/settleflow/internal/scope"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/adapters"
	"github.com/settleflow/settleflow/internal/source/feed"
)

// FinishPull ends a source's pull once every slice is staged: duplicates
// are resolved set-based (see store.FinishSource) and the counts of the
// whole pull returned. Received and rejects come from the slices, which
// count what the source delivered, across attempts.
func (a *Activities) FinishPull(ctx context.Context, in FinishInput) (PullResult, error) {
	staged, err := a.Store.FinishSource(ctx, in.CycleID, in.Source)
	if err != nil {
		return PullResult{}, err
	}
	res := PullResult{Source: in.Source}
	p := &res.Progress
	for _, s := range in.Slices {
		p.Pages += s.Pages
		p.Received += s.Received
		p.Rejects += s.Rejects
		res.Resumed = res.Resumed || s.Resumed
	}
	p.Inserted, p.Conflicts = int(staged.Staged), int(staged.Conflicts)
	p.Duplicates = p.Received - p.Inserted - p.Conflicts
	if a.Metrics != nil {
		c, err := a.Store.Cycle(ctx, in.CycleID)
		if err != nil {
			return PullResult{}, err
		}
		a.Metrics.Pulled(ctx, c.Scope, in.Source, int64(p.Received+p.Rejects))
	}
	res.ControlTotals, err = a.saveControlTotals(ctx, in.CycleID, in.Source)
	return res, err
}

// Pull pulls a source's whole period as one slice and finishes it: the
// single activity of PullSource runs recorded before pulls were sliced.
func (a *Activities) Pull(ctx context.Context, in PullInput) (PullResult, error) {
	slice, err := a.PullSlice(ctx, SliceInput{CycleID: in.CycleID, Scope: in.Scope, Source: in.Source,
		Index: 0, Of: 1, From: in.PeriodStart, To: in.PeriodEnd})
	if err != nil {
		return PullResult{}, err
	}
	return a.FinishPull(ctx, FinishInput{CycleID: in.CycleID, Source: in.Source, Slices: []SliceProgress{slice}})
}

// DiscardStaging undoes a pull: the whole cycle's staging, or one source's
// when an operator settles without it.
func (a *Activities) DiscardStaging(ctx context.Context, in CompensateInput) (int64, error) {
	if in.Source != "" {
		return a.Store.DiscardSource(ctx, in.CycleID, in.Source)
	}
	return 0, a.Store.DropStaging(ctx, in.CycleID)
}

// openSource finds a scope's source and opens its adapter; a source no
// adapter can open is bad configuration.
func (a *Activities) openSource(scopeName, name string) (scope.Source, source.Adapter, error) {
	sc, src, err := a.sourceOf(scopeName, name)
	if err != nil {
		return src, nil, badData(err)
	}
	adapter, err := a.sources().Open(src.Kind, source.Config{Name: src.Name, BaseURL: src.ResolveURL(sc.Name, a.getenv),
		Token: src.ResolveToken(a.getenv), PageSize: src.PageSize, HTTP: a.HTTP, Requests: src.Requests})
	if err != nil {
		return src, nil, badData(err)
	}
	return src, adapter, nil
}

// sourceOf finds a scope's source.
func (a *Activities) sourceOf(scopeName, name string) (scope.Scope, scope.Source, error) {
	sc, err := a.Catalog.Scope(scopeName)
	if err != nil {
		return sc, scope.Source{}, err
	}
	for _, s := range sc.Sources {
		if s.Name == name {
			return sc, s, nil
		}
	}
	return sc, scope.Source{}, fmt.Errorf("scope %s has no source %q", sc.Name, name)
}

func (a *Activities) sources() *source.Registry {
	if a.Sources != nil {
		return a.Sources
	}
	return adapters.Registry
}

// pullError names where a fetch failed; failures no retry can fix (refused
// credentials, a malformed or oversized page) are not retried.
func pullError(where string, err error) error {
	err = fmt.Errorf("%s: %w", where, err)
	if feed.IsPermanent(err) && !errors.Is(err, context.Canceled) {
		return badData(err)
	}
	return err
}

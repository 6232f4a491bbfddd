package activities

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/settle"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/statement"
	"github.com/settleflow/settleflow/internal/store"
)

// FallbackInput switches a source whose pull kept failing to its
// fallback source.
type FallbackInput struct {
	CycleID  uuid.UUID
	Scope    string
	Source   string
	Fallback string
	// Mode is scope.FallbackManual (an operator chose it) or
	// scope.FallbackAuto.
	Mode   string
	Actor  string
	Reason string
}

// Fallback makes the fallback source's records, already pulled in this
// cycle, stand in for the failed source's (see source.StandIn): what the
// failed pull left is discarded, the stand-ins are staged set-based and
// their duplicates resolved as a pull's are. The cycle's statements and
// summary mark the figures; a later revision pulls the source itself.
func (a *Activities) Fallback(ctx context.Context, in FallbackInput) (PullResult, error) {
	_, src, err := a.sourceOf(in.Scope, in.Source)
	if err != nil {
		return PullResult{}, badData(err)
	}
	_, fb, err := a.sourceOf(in.Scope, in.Fallback)
	if err != nil {
		return PullResult{}, badData(err)
	}
	standIn, err := source.StandInFor(src.Kind, fb.Kind)
	if err != nil {
		return PullResult{}, badData(fmt.Errorf("source %s: fallback %s: %w", src.Name, fb.Name, err))
	}
	f := store.Fallback{Source: in.Source, Fallback: in.Fallback, Mode: in.Mode, Actor: in.Actor, Reason: in.Reason}
	// The worker's heartbeat interceptor beats while these run.
	staged, err := a.Store.StageFallback(ctx, in.CycleID, in.Scope, f, standIn)
	if err != nil {
		return PullResult{}, err
	}
	done, err := a.Store.FinishSource(ctx, in.CycleID, in.Source)
	if err != nil {
		return PullResult{}, err
	}
	res := PullResult{Source: in.Source, Fallback: in.Fallback}
	p := &res.Progress
	p.Received, p.Inserted, p.Conflicts = int(staged), int(done.Staged), int(done.Conflicts)
	p.Duplicates = p.Received - p.Inserted - p.Conflicts
	return res, nil
}

// FallbackCorrection is what a revision changed in one currency of a
// source whose figures the revision it supersedes took from a fallback:
// the revision pulled the source itself.
type FallbackCorrection struct {
	Source   string
	Fallback string // what stood in before
	Currency string
	// GGR and accepted records before (from the fallback) and now.
	PreviousGGR     int64
	GGR             int64
	Difference      int64
	PreviousRecords int64
	Records         int64
}

// fallbackCorrections compares, per currency, this revision's accepted
// totals of each source the superseded revision settled from a fallback
// with that revision's. Nothing when it used none.
func (a *Activities) fallbackCorrections(ctx context.Context, c store.Cycle) ([]FallbackCorrection, error) {
	if c.Supersedes == nil {
		return nil, nil
	}
	used, err := a.Store.Fallbacks(ctx, *c.Supersedes)
	if err != nil || len(used) == 0 {
		return nil, err
	}
	before, err := a.Store.AcceptedTotals(ctx, *c.Supersedes)
	if err != nil {
		return nil, err
	}
	now, err := a.Store.AcceptedTotals(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var out []FallbackCorrection
	for _, f := range used {
		for _, k := range settle.Corrections(sourceTotals(before, f.Source), sourceTotals(now, f.Source)) {
			out = append(out, FallbackCorrection{Source: f.Source, Fallback: f.Fallback, Currency: k.Currency,
				PreviousGGR: k.Before.GGR(), GGR: k.After.GGR(), Difference: k.Difference(),
				PreviousRecords: k.Before.Count, Records: k.After.Count})
		}
	}
	return out, nil
}

// sourceTotals picks one source's totals per currency.
func sourceTotals(all []store.SourceTotals, src string) []settle.Totals {
	var out []settle.Totals
	for _, t := range all {
		if t.Source == src {
			out = append(out, settle.Totals{Currency: t.Currency, Bets: t.Bets, Wins: t.Wins, Rollbacks: t.Rollbacks, Count: t.Count})
		}
	}
	return out
}

// fallbackNotes are, by partner, the cycle's sources whose figures their
// fallback gave, for the partner's statement.
func (a *Activities) fallbackNotes(ctx context.Context, c store.Cycle) (map[string][]statement.FallbackNote, error) {
	used, err := a.Store.Fallbacks(ctx, c.ID)
	if err != nil || len(used) == 0 {
		return nil, err
	}
	sources, err := frozenSources(c)
	if err != nil {
		return nil, err
	}
	partnerOf := map[string]string{}
	for _, s := range sources {
		partnerOf[s.Name] = s.Partner
	}
	notes := map[string][]statement.FallbackNote{}
	for _, f := range used {
		p := partnerOf[f.Source]
		notes[p] = append(notes[p], statement.FallbackNote{Source: f.Source, Fallback: f.Fallback})
	}
	return notes, nil
}

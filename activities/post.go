package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/store"
)

func settlementEntryID(c CycleRef) CycleRef {
	return CycleRef{CycleID: StepID(c.CycleID, "journal/settlement")}
}

// Post books the cycle's shares as one balanced journal entry. The entry ID
// is derived from the cycle, so a retry finds it posted and stops.
func (a *Activities) Post(ctx context.Context, in CycleRef) (PostResult, error) {
	c, err := a.Store.Cycle(ctx, in.CycleID)
	if err != nil {
		return PostResult{}, err
	}
	lines, err := a.Store.SettlementLines(ctx, in.CycleID)
	if err != nil {
		return PostResult{}, err
	}
	shares := make([]ledger.Share, len(lines))
	for i, l := range lines {
		shares[i] = ledger.Share{Partner: l.Partner, Currency: l.Currency, GGR: l.GGR, PartnerAmount: l.PartnerAmount, OperatorAmount: l.OperatorAmount}
	}
	id := settlementEntryID(in).CycleID
	desc := fmt.Sprintf("settlement %s %s rev %d", c.Scope, c.PeriodKey, c.Revision)
	entry, err := ledger.SettlementEntry(id, c.ID, desc, shares)
	if err != nil {
		return PostResult{}, badData(err)
	}
	res := PostResult{EntryID: id, Lines: len(entry.Lines)}
	if len(entry.Lines) > 0 {
		if res.Posted, err = a.Store.PostEntry(ctx, entry); err != nil {
			return PostResult{}, err
		}
	}
	res.Balanced, err = a.cycleBalanced(ctx, in)
	return res, err
}

// Reverse is the compensation of post: it appends the entry that negates
// the cycle's settlement entry. Nothing is deleted or updated.
func (a *Activities) Reverse(ctx context.Context, in CompensateInput) (PostResult, error) {
	ref := CycleRef{CycleID: in.CycleID}
	original, err := a.Store.Entry(ctx, settlementEntryID(ref).CycleID)
	if errors.Is(err, store.ErrNotFound) {
		return PostResult{Balanced: true}, nil // nothing was posted (an empty split)
	}
	if err != nil {
		return PostResult{}, err
	}
	rev := original.Reversal(StepID(in.CycleID, "journal/reversal"), "reversal: "+in.Reason)
	posted, err := a.Store.PostEntry(ctx, rev)
	if err != nil {
		return PostResult{}, err
	}
	balanced, err := a.cycleBalanced(ctx, ref)
	return PostResult{EntryID: rev.ID, Lines: len(rev.Lines), Posted: posted, Balanced: balanced}, err
}

func (a *Activities) cycleBalanced(ctx context.Context, in CycleRef) (bool, error) {
	lines, err := a.Store.CycleLines(ctx, in.CycleID)
	if err != nil {
		return false, err
	}
	for _, sum := range ledger.Balance(lines) {
		if sum != 0 {
			return false, nil
		}
	}
	return true, nil
}

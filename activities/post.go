package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/store"
)

// settlementEntryID is the ID of a cycle's settlement journal entry.
func settlementEntryID(cycleID uuid.UUID) uuid.UUID { return StepID(cycleID, "journal/settlement") }

// Post books the cycle's shares as one balanced journal entry. The entry ID
// is derived from the cycle, so a retry finds it posted and stops.
func (a *Activities) Post(ctx context.Context, in CycleRef) (PostResult, error) {
	c, err := a.Store.Cycle(ctx, in.CycleID)
	if err != nil {
		return PostResult{}, err
	}
	shares, err := a.Store.SettlementLines(ctx, in.CycleID)
	if err != nil {
		return PostResult{}, err
	}
	id := settlementEntryID(in.CycleID)
	desc := fmt.Sprintf("settlement %s %s rev %d", c.Scope, c.PeriodKey, c.Revision)
	entry, err := ledger.SettlementEntry(id, c.ID, desc, shares)
	if err != nil {
		return PostResult{}, badData(err)
	}
	res := PostResult{EntryID: id, Lines: len(entry.Lines)}
	if len(entry.Lines) > 0 {
		if res.Posted, err = a.postEntry(ctx, c.Scope, entry); err != nil {
			return PostResult{}, err
		}
	}
	if c.Supersedes != nil {
		// The revision replaces the earlier settlement: reverse it.
		prev := settlementEntryID(*c.Supersedes)
		reason := fmt.Sprintf("superseded by revision %d (cycle %s)", c.Revision, c.ID)
		if err := a.reverseEntry(ctx, c.Scope, prev, StepID(c.ID, "journal/supersede"), c.ID, reason); err != nil {
			return PostResult{}, err
		}
	}
	res.Balanced, err = a.cycleBalanced(ctx, in)
	return res, err
}

// Reverse is the compensation of post: it appends the entry that negates
// the cycle's settlement entry. Nothing is deleted or updated.
// A revision's undo also reverses its reversal of the superseded cycle, so
// the earlier settlement stands again.
func (a *Activities) Reverse(ctx context.Context, in CompensateInput) (PostResult, error) {
	ref := CycleRef{CycleID: in.CycleID}
	c, err := a.Store.Cycle(ctx, in.CycleID)
	if err != nil {
		return PostResult{}, err
	}
	id := StepID(in.CycleID, "journal/reversal")
	if err := a.reverseEntry(ctx, c.Scope, settlementEntryID(in.CycleID), id, in.CycleID, "reversal: "+in.Reason); err != nil {
		return PostResult{}, err
	}
	err = a.reverseEntry(ctx, c.Scope, StepID(in.CycleID, "journal/supersede"), StepID(in.CycleID, "journal/supersede-undone"),
		in.CycleID, "reinstated: "+in.Reason)
	if err != nil {
		return PostResult{}, err
	}
	balanced, err := a.cycleBalanced(ctx, ref)
	return PostResult{EntryID: id, Posted: true, Balanced: balanced}, err
}

// reverseEntry posts, under this cycle, the reversal of an entry if the
// entry exists; an entry never posted (an empty split) needs none.
func (a *Activities) reverseEntry(ctx context.Context, scope string, original, reversalID, cycleID uuid.UUID, description string) error {
	entry, err := a.Store.Entry(ctx, original)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	rev := entry.Reversal(reversalID, description)
	rev.CycleID = cycleID
	_, err = a.postEntry(ctx, scope, rev)
	return err
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

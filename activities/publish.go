package activities

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/settleflow/settleflow/internal/settle"
	"github.com/settleflow/settleflow/internal/statement"
	"github.com/settleflow/settleflow/internal/store"
)

// Publish renders one statement per partner from the stored shares and
// records it with its content hash.
func (a *Activities) Publish(ctx context.Context, in CycleRef) (PublishResult, error) {
	c, err := a.Store.Cycle(ctx, in.CycleID)
	if err != nil {
		return PublishResult{}, err
	}
	shares, err := a.Store.SettlementLines(ctx, in.CycleID)
	if err != nil {
		return PublishResult{}, err
	}
	notes, err := a.fallbackNotes(ctx, c)
	if err != nil {
		return PublishResult{}, err
	}
	statements := statementsByPartner(c, shares)
	if err := a.cover(ctx, c, statements); err != nil {
		return PublishResult{}, err
	}
	var res PublishResult
	for _, st := range statements {
		st.FromFallback = notes[st.Partner]
		r, err := statement.Render(st)
		if err != nil {
			return PublishResult{}, badData(err)
		}
		stored, err := a.Store.PublishStatement(ctx, store.Statement{
			ID: StepID(c.ID, "statement/"+st.Partner), CycleID: c.ID, Partner: st.Partner,
			JSON: json.RawMessage(r.JSON), CSV: r.CSV, SHA256: r.SHA256,
		})
		if err != nil {
			return PublishResult{}, err
		}
		res.Statements = append(res.Statements, StatementRef{Partner: stored.Partner, ID: stored.ID, SHA256: stored.SHA256})
	}
	if c.Supersedes != nil {
		note := fmt.Sprintf("superseded by revision %d (cycle %s)", c.Revision, c.ID)
		if _, err := a.Store.SetStatementStatus(ctx, *c.Supersedes, statement.StatusSuperseded, note); err != nil {
			return PublishResult{}, err
		}
	}
	return res, nil
}

// Void is the compensation of publish: the cycle's statements stay stored
// but are marked void with the reason, and for a revision the statements it
// superseded are published again.
func (a *Activities) Void(ctx context.Context, in CompensateInput) (int64, error) {
	n, err := a.Store.SetStatementStatus(ctx, in.CycleID, statement.StatusVoid, in.Reason)
	if err != nil {
		return 0, err
	}
	c, err := a.Store.Cycle(ctx, in.CycleID)
	if err != nil || c.Supersedes == nil {
		return n, err
	}
	_, err = a.Store.RestoreStatements(ctx, *c.Supersedes, "revision "+c.ID.String()+" was undone: "+in.Reason)
	return n, err
}

// cover puts the cycle's stored summary on its statement. The summary
// speaks of the whole scope, so it goes only on the statement of a cycle
// that settles a single partner: one partner must not read another's
// figures.
func (a *Activities) cover(ctx context.Context, c store.Cycle, statements []statement.Statement) error {
	if len(statements) != 1 {
		return nil
	}
	text, ok, err := a.Store.Summary(ctx, c.ID)
	if err != nil || !ok {
		return err
	}
	statements[0].Cover = text
	return nil
}

// statementsByPartner groups shares, ordered by partner, into one
// statement per partner. A statement names its settlement, not the run, so
// its bytes depend only on scope, period, revision and data.
func statementsByPartner(c store.Cycle, shares []settle.Share) []statement.Statement {
	settlement := SettlementID(c.Scope, c.PeriodStart, c.PeriodEnd, c.Revision).String()
	var out []statement.Statement
	for _, sh := range shares {
		if len(out) == 0 || out[len(out)-1].Partner != sh.Partner {
			out = append(out, statement.Statement{CycleID: settlement, Scope: c.Scope, Period: c.PeriodKey,
				PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd, Revision: c.Revision, Partner: sh.Partner})
		}
		s := &out[len(out)-1]
		s.Lines = append(s.Lines, sh)
	}
	return out
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/workflows"
)

// errWaitsForOperator is a demo cycle that stopped for an operator: the
// console is still served so one can act on it.
var errWaitsForOperator = errors.New("it waits for an operator")

type uiLink struct {
	base      string
	namespace string
}

// settleAndReport settles the demo period unless Postgres already holds a
// completed cycle for it (even if Temporal's dev state was wiped), and
// prints the summary either way. A cycle that stops for an operator is
// shown, with what to do, instead of being waited on for hours.
func settleAndReport(ctx context.Context, out io.Writer, c client.Client, st *store.Store, cat catalog.Catalog,
	scopeName, period string, ui uiLink) error {
	in, err := platform.CycleInput(cat, scopeName, period, currentUser())
	if err != nil {
		return err
	}
	prev, err := settledBefore(ctx, st, in)
	if err != nil {
		return err
	}
	if prev != nil {
		fmt.Fprintf(out, "\n%s %s was already settled (cycle %s) — not settling it twice; showing the existing result.\n",
			scopeName, in.PeriodKey, prev.CycleID)
		return printSummary(ctx, out, st, *prev, ui.base, ui.namespace)
	}
	started, err := platform.StartCycle(ctx, c, cat, platform.StartRequest{Scope: scopeName, Period: period, StartedBy: currentUser()})
	if err != nil {
		return err
	}
	verb := "settling"
	if started.Existing {
		verb = "already settling"
	}
	fmt.Fprintf(out, "… %s %s %s (workflow %s)\n", verb, scopeName, in.PeriodKey, started.WorkflowID)
	res, err := waitOrStop(ctx, out, os.Stderr, c, started)
	if err != nil {
		return err
	}
	return printSummary(ctx, out, st, res, ui.base, ui.namespace)
}

// settledBefore returns the stored summary of the period's completed cycle.
func settledBefore(ctx context.Context, st *store.Store, in workflows.CycleInput) (*workflows.CycleResult, error) {
	cycles, err := st.CyclesForPeriod(ctx, in.Scope, in.PeriodStart)
	if err != nil {
		return nil, err
	}
	for _, cyc := range cycles {
		if cyc.Status != lifecycle.StatusCompleted || len(cyc.Summary) == 0 {
			continue
		}
		var res workflows.CycleResult
		if err := json.Unmarshal(cyc.Summary, &res); err != nil {
			return nil, fmt.Errorf("summary of cycle %s: %w", cyc.ID, err)
		}
		return &res, nil
	}
	return nil, nil
}

// waitOrStop waits for the cycle, showing its progress on progressOut, but
// returns as soon as it blocks or waits for approval, printing its status
// and the commands that move it on.
func waitOrStop(ctx context.Context, out, progressOut io.Writer, c client.Client, s platform.Started) (workflows.CycleResult, error) {
	progress := watchProgress(ctx, progressOut, cycleProgress(c, s.WorkflowID, s.RunID))
	defer progress.Stop()
	type outcome struct {
		res workflows.CycleResult
		err error
	}
	done := make(chan outcome, 1)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		res, err := platform.WaitCycle(wctx, c, s.WorkflowID, s.RunID)
		done <- outcome{res, err}
	}()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case o := <-done:
			progress.Stop()
			if o.err != nil {
				// A failed workflow returns no result; its status query
				// still tells what happened, step by step.
				fmt.Fprintf(out, "\ncycle %s did not complete: %v\n\n", s.WorkflowID, o.err)
				if status, err := platform.QueryCycle(ctx, c, s.WorkflowID, s.RunID); err == nil {
					printStatus(out, status)
				}
			}
			return o.res, o.err
		case <-tick.C:
		}
		status, err := platform.QueryCycle(ctx, c, s.WorkflowID, s.RunID)
		if err != nil || (status.Status != lifecycle.StatusBlocked && status.Status != lifecycle.StatusAwaitingApproval) {
			continue
		}
		progress.Stop() // its last line goes before the status
		fmt.Fprintln(out)
		printStatus(out, status)
		fmt.Fprintf(out, "\n%s\nThe demo's worker stops with the demo: run bin/settleflow worker & first (see docs/runbook.md).\n",
			operatorHint(status))
		return workflows.CycleResult{}, fmt.Errorf("cycle %s is %s: %w", s.WorkflowID, status.Status, errWaitsForOperator)
	}
}

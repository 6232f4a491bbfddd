package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/workflows"
)

// waitCycle waits for a cycle run to end, showing its progress on
// progressOut. Each time the cycle stops for an operator — blocked, or at
// the approval gate — it prints its status and what to do, and keeps
// waiting: someone may act from another terminal, and it says when the
// cycle moves on.
func waitCycle(ctx context.Context, out, progressOut io.Writer, c client.Client, s platform.Started) (workflows.CycleResult, error) {
	type outcome struct {
		res workflows.CycleResult
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := platform.WaitCycle(ctx, c, s.WorkflowID, s.RunID)
		done <- outcome{res, err}
	}()
	progress := watchProgress(ctx, progressOut, cycleProgress(c, s.WorkflowID, s.RunID))
	defer func() { progress.Stop() }()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	shown := -1 // the wait for an operator last explained
	for {
		select {
		case o := <-done:
			return o.res, o.err
		case <-tick.C:
		}
		st, err := platform.QueryCycle(ctx, c, s.WorkflowID, s.RunID)
		switch {
		case err != nil:
		case waitsForOperator(st) && st.Episode != shown:
			progress.Stop() // its last line goes before the status
			shown = st.Episode
			fmt.Fprintln(out)
			printStatus(out, st)
			fmt.Fprintf(out, "\n%s\n(still waiting; Ctrl-C stops waiting, not the cycle)\n", operatorHint(st))
		case !waitsForOperator(st) && shown >= 0 && st.Status == lifecycle.StatusRunning:
			fmt.Fprintf(out, "%s is running again\n", s.WorkflowID)
			shown = -1
			progress = watchProgress(ctx, progressOut, cycleProgress(c, s.WorkflowID, s.RunID))
		}
	}
}

func waitsForOperator(st workflows.CycleStatus) bool {
	return st.Status == lifecycle.StatusBlocked || st.Status == lifecycle.StatusAwaitingApproval
}

// operatorHint says what a cycle waiting for an operator needs, with the
// commands that move it on (docs/runbook.md has the rest).
func operatorHint(st workflows.CycleStatus) string {
	id := st.WorkflowID
	if st.Status == lifecycle.StatusAwaitingApproval {
		return fmt.Sprintf("The cycle waits for approval. Someone other than %s checks the figures, then runs\n"+
			"  settleflow cycle approve %s --reason \"…\"\nor rejects it (undoing it) with\n"+
			"  settleflow cycle reject %s --reason \"…\"", st.StartedBy, id, id)
	}
	b := st.Blocked
	if b == nil {
		return fmt.Sprintf("The cycle is blocked; see settleflow cycle show %s", id)
	}
	actions := []string{"retry"}
	if b.CanSkip {
		actions = append(actions, "skip")
	}
	if b.CanAbort {
		actions = append(actions, "abort")
	}
	hint := fmt.Sprintf("The cycle is blocked at %s and waits for an operator: fix the cause, then run\n"+
		"  settleflow cycle retry %s --reason \"…\"\n(or %s)", b.Step, id, strings.Join(actions, ", "))
	if !b.AutoAbortAt.IsZero() {
		hint += fmt.Sprintf("; left alone it aborts itself at %s UTC", b.AutoAbortAt.UTC().Format(time.DateTime))
	}
	return hint + "."
}

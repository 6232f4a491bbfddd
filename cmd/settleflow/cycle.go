package main

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/workflows"
)

func (a *app) cycleCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "cycle", Short: "Start and inspect settlement cycles"}
	cmd.AddCommand(a.cycleStartCmd(), a.cycleShowCmd(), a.cycleListCmd())
	for _, action := range lifecycle.Actions {
		cmd.AddCommand(a.actionCmd(action))
	}
	return cmd
}

func (a *app) cycleStartCmd() *cobra.Command {
	var scope, period, actor string
	var wait, revise bool
	cmd := &cobra.Command{
		Use:   "start --scope S --period P [--wait]",
		Short: "Settle one scope's period",
		Long: `Starts the SettlementCycle workflow for the period, named as the scope's calendar
names it: a date (2026-11-01) for daily and weekly scopes, a month (2026-11)
for monthly ones, or an explicit start/end pair. A period that is being
settled or was settled is not started again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			// A wrong scope or period is reported before any connection.
			if _, err := platform.CycleInput(cat, scope, period, actor); err != nil {
				return err
			}
			return a.withTemporal(cmd.Context(), func(c client.Client) error {
				req := platform.StartRequest{Scope: scope, Period: period, StartedBy: actor, Revise: revise}
				return startCycle(cmd, c, cat, req, wait)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&scope, "scope", "", "scope to settle (required)")
	f.StringVar(&period, "period", "", "period to settle (required)")
	f.StringVar(&actor, "as", currentUser(), "who starts the cycle (recorded; an approver must differ)")
	f.BoolVar(&wait, "wait", false, "wait for the cycle to finish")
	f.BoolVar(&revise, "revise", false, "settle a completed period again as a new revision (reverses and supersedes the last one)")
	_ = cmd.MarkFlagRequired("scope")
	_ = cmd.MarkFlagRequired("period")
	return cmd
}

func startCycle(cmd *cobra.Command, c client.Client, cat catalog.Catalog, req platform.StartRequest, wait bool) error {
	ctx, out := cmd.Context(), cmd.OutOrStdout()
	started, err := platform.StartCycle(ctx, c, cat, req)
	if err != nil {
		return err
	}
	if started.Existing {
		fmt.Fprintf(out, "%s already exists (run %s, %s); not started again\n", started.WorkflowID, started.RunID, statusWord(started.Status))
	} else {
		fmt.Fprintf(out, "started %s (run %s)\n", started.WorkflowID, started.RunID)
	}
	if !wait {
		return nil
	}
	progress := watchProgress(ctx, cmd.ErrOrStderr(), cycleProgress(c, started.WorkflowID, started.RunID))
	res, err := platform.WaitCycle(ctx, c, started.WorkflowID, started.RunID)
	progress.Stop()
	if err != nil {
		return fmt.Errorf("cycle %s: %w", started.WorkflowID, err)
	}
	fmt.Fprintf(out, "%s %s (revision %d)\n", res.WorkflowID, res.Status, res.Revision)
	return nil
}

func (a *app) cycleShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show WORKFLOW-ID",
		Short: "Show a cycle's steps with status, timing, counts, blocked reason, actions and reconciliation",
		Long: `Asks the running workflow for its status. When no worker can answer (or the
history is past retention) it falls back to the cycle's event log in Postgres.
The reconciliation (matched, auto-resolved, open and resolved breaks by pair
and type, and what the open ones are worth) is read live from Postgres.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, queryErr := a.queryStatus(ctx, args[0])
			db, err := a.openStore(ctx)
			if queryErr == nil {
				printStatus(cmd.OutOrStdout(), st)
				if err != nil {
					fmt.Fprintf(cmd.OutOrStdout(), "\n  (reconciliation: the database is unavailable: %v)\n", err)
					return nil
				}
				defer db.Close()
				return showReconciliation(ctx, cmd.OutOrStdout(), db, st.CycleID)
			}
			if err != nil {
				return fmt.Errorf("%w; and the event log is unavailable: %v", queryErr, err)
			}
			defer db.Close()
			cyc, err := db.LatestCycleOfWorkflow(ctx, args[0])
			if err != nil {
				return fmt.Errorf("%w; %v", queryErr, err)
			}
			events, err := db.Events(ctx, cyc.ID)
			if err != nil {
				return err
			}
			status := platform.StatusFromLog(cyc, events)
			if status.Summary, _, err = db.Summary(ctx, cyc.ID); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "(from the Postgres event log: %v)\n", queryErr)
			printStatus(cmd.OutOrStdout(), status)
			return showReconciliation(ctx, cmd.OutOrStdout(), db, cyc.ID.String())
		},
	}
}

func (a *app) queryStatus(ctx context.Context, workflowID string) (workflows.CycleStatus, error) {
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c, err := a.dial(qctx)
	if err != nil {
		return workflows.CycleStatus{}, err
	}
	defer c.Close()
	return platform.QueryCycle(qctx, c, workflowID, "")
}

func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if v := os.Getenv("USER"); v != "" {
		return v
	}
	return "unknown"
}

package main

import (
	"fmt"
	"os"
	"os/user"

	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/platform"
)

func (a *app) cycleCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "cycle", Short: "Start and inspect settlement cycles"}
	cmd.AddCommand(a.cycleStartCmd(), a.cycleShowCmd())
	return cmd
}

func (a *app) cycleStartCmd() *cobra.Command {
	var scope, period, actor string
	var wait bool
	cmd := &cobra.Command{
		Use:   "start --scope S --period P [--wait]",
		Short: "Settle one scope's period",
		Long: `Starts the SettlementCycle workflow for the period, named as the scope's calendar
names it: a date (2026-11-01) for daily and weekly scopes, a month (2026-11)
for monthly ones, or an explicit start/end pair. A period that is being
settled or was settled is not started again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			c, err := a.dial(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			started, err := platform.StartCycle(ctx, c, cat, platform.StartRequest{Scope: scope, Period: period, StartedBy: actor})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if started.Existing {
				fmt.Fprintf(out, "%s already exists (run %s, %s); not started again\n", started.WorkflowID, started.RunID, statusWord(started.Status))
			} else {
				fmt.Fprintf(out, "started %s (run %s)\n", started.WorkflowID, started.RunID)
			}
			if !wait {
				return nil
			}
			res, err := platform.WaitCycle(ctx, c, started.WorkflowID, started.RunID)
			if err != nil {
				return fmt.Errorf("cycle %s: %w", started.WorkflowID, err)
			}
			fmt.Fprintf(out, "%s %s\n", res.WorkflowID, res.Status)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&scope, "scope", "", "scope to settle (required)")
	f.StringVar(&period, "period", "", "period to settle (required)")
	f.StringVar(&actor, "as", currentUser(), "who starts the cycle (recorded; an approver must differ)")
	f.BoolVar(&wait, "wait", false, "wait for the cycle to finish")
	_ = cmd.MarkFlagRequired("scope")
	_ = cmd.MarkFlagRequired("period")
	return cmd
}

func (a *app) cycleShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show WORKFLOW-ID",
		Short: "Show a cycle's steps with status, timing and counts",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := a.dial(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			st, err := platform.QueryCycle(ctx, c, args[0], "")
			if err != nil {
				return err
			}
			printStatus(cmd.OutOrStdout(), st)
			return nil
		},
	}
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

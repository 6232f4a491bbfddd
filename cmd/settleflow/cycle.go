package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
)

func (a *app) cycleCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "cycle", Short: "Start and inspect settlement cycles"}
	api := &viaAPI{}
	api.register(cmd)
	cmd.AddCommand(a.cycleStartCmd(api), a.cycleShowCmd(), a.cycleListCmd())
	for _, action := range lifecycle.Actions {
		cmd.AddCommand(a.actionCmd(action, api))
	}
	return cmd
}

func (a *app) cycleStartCmd(api *viaAPI) *cobra.Command {
	var scope, period, actor, reason, key string
	var wait, revise, force bool
	cmd := &cobra.Command{
		Use:   "start --scope S --period P [--wait]",
		Short: "Settle one scope's period",
		Long: `Starts the SettlementCycle workflow for the period, named as the scope's calendar
names it: a date (2026-11-01) for daily and weekly scopes, a month (2026-11)
for monthly ones, or an explicit start/end pair. A period that is being
settled or was settled is not started again. A period is settled only once
its end plus the scope's late-data grace (intake.late_data_grace) has
passed; --force --reason "…" starts it earlier and records why.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			if force != (strings.TrimSpace(reason) != "") {
				return fmt.Errorf("--force and --reason go together: say why the period may be settled before it has ended")
			}
			if key != "" && !revise {
				return fmt.Errorf("--idempotency-key is for --revise: a first settlement is never started twice anyway")
			}
			req := platform.StartRequest{Scope: scope, Period: period, StartedBy: actor, Revise: revise, Force: reason,
				IdempotencyKey: key}
			// A wrong scope or period, or one not over yet, is reported
			// before any connection.
			if _, err := platform.ResolveStart(cat, req, time.Now()); err != nil {
				return err
			}
			through, err := api.use(cmd)
			if err != nil {
				return err
			}
			if through {
				return api.start(cmd, req, wait)
			}
			return a.withTemporal(cmd.Context(), func(c client.Client) error {
				return startCycle(cmd, c, cat, req, wait)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&scope, "scope", "", "scope to settle (required)")
	f.StringVar(&period, "period", "", "period to settle (required)")
	f.StringVar(&actor, "as", currentUser(), "who starts the cycle (recorded; an approver must differ); only when talking to Temporal directly")
	f.BoolVar(&wait, "wait", false, "wait for the cycle to finish")
	f.BoolVar(&revise, "revise", false, "settle a completed period again as a new revision (reverses and supersedes the last one)")
	f.StringVar(&key, "idempotency-key", "", "with --revise: a key that makes repeating the command start one revision, not two")
	f.BoolVar(&force, "force", false, "settle a period before its end plus the late-data grace (needs --reason; recorded)")
	f.StringVar(&reason, "reason", "", "why --force is right (recorded in the cycle's event log)")
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
	res, err := waitCycle(ctx, out, cmd.ErrOrStderr(), c, started)
	if err != nil {
		return fmt.Errorf("cycle %s: %w", started.WorkflowID, err)
	}
	fmt.Fprintf(out, "%s %s (revision %d)\n", res.WorkflowID, res.Status, res.Revision)
	return nil
}

func (a *app) cycleShowCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "show WORKFLOW-ID [--output table|json]",
		Short: "Show a cycle's steps with status, timing, counts, blocked reason, actions and reconciliation",
		Long: `Asks the running workflow for its status. When no worker can answer (or the
history is past retention) it falls back to the cycle's event log in Postgres.
The reconciliation (matched, auto-resolved, open and resolved breaks by pair
and type, and what the open ones are worth) is read live from Postgres.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output, "table", "json"); err != nil {
				return err
			}
			ctx := cmd.Context()
			dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			c, dialErr := a.dial(dctx)
			cancel()
			if dialErr == nil {
				defer c.Close()
			}
			db, err := a.openStore(ctx)
			if err != nil {
				if dialErr != nil {
					return fmt.Errorf("%w; and the event log is unavailable: %w", dialErr, err)
				}
				a.log.Warn("the event log is unavailable", "error", err)
			} else {
				defer db.Close()
			}
			view, err := platform.ShowCycle(ctx, c, db, args[0])
			if err != nil {
				return err
			}
			if output == "json" { // the breaks: discrepancy list --output json
				return printJSON(cmd.OutOrStdout(), platform.StatusDoc(view))
			}
			if view.FromLog {
				fmt.Fprintf(cmd.OutOrStdout(), "(from the Postgres event log: %v)\n", cmp.Or(dialErr, view.QueryErr))
			}
			printStatus(cmd.OutOrStdout(), view.Status)
			if db == nil {
				return nil
			}
			return showReconciliation(ctx, cmd.OutOrStdout(), db, view.Status.CycleID)
		},
	}
	cmd.Flags().StringVar(&output, "output", "table", "table, or json as the API answers")
	return cmd
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

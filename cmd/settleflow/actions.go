package main

import (
	"fmt"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
)

var actionHelp = map[string]string{
	lifecycle.ActionRetry:    "Run the blocked step again",
	lifecycle.ActionSkip:     "Skip the blocked step (only steps or sources marked optional)",
	lifecycle.ActionAbort:    "Abort the cycle now, running or waiting: stop the running step and undo what it did, newest first",
	lifecycle.ActionApprove:  "Approve a cycle waiting at the approval gate (not by whoever started it)",
	lifecycle.ActionReject:   "Reject a cycle waiting at the approval gate: it is undone",
	lifecycle.ActionFallback: "Settle a failed pull's sources from the fallback sources the scope names (others are pulled again)",
}

// actionCmd is `cycle retry|skip|abort|approve|reject ID --reason … [--as …]`.
func (a *app) actionCmd(action string, api *viaAPI) *cobra.Command {
	var reason, actor string
	cmd := &cobra.Command{
		Use:   action + " WORKFLOW-ID --reason \"…\" [--as ACTOR]",
		Short: actionHelp[action],
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			through, err := api.use(cmd)
			if err != nil {
				return err
			}
			if through {
				return api.act(cmd, args[0], action, reason)
			}
			return a.withTemporal(cmd.Context(), func(c client.Client) error {
				res, err := platform.Act(cmd.Context(), c, args[0], action, actor, reason)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s accepted for %s (wait #%d), recorded as %s: %q\n", action, args[0], res.Episode, actor, reason)
				return nil
			})
		},
	}
	if action == lifecycle.ActionAbort {
		cmd.Aliases = []string{"cancel"} // what Temporal's own CLI calls stopping a workflow
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (required; recorded in the cycle's event log)")
	cmd.Flags().StringVar(&actor, "as", currentUser(), "who is acting (recorded); only when talking to Temporal directly, not through the API")
	_ = cmd.MarkFlagRequired("reason")
	return cmd
}

func (a *app) cycleListCmd() *cobra.Command {
	var scope, status, output string
	var limit int
	cmd := &cobra.Command{
		Use:   "list [--scope S] [--status blocked|running|awaiting_approval|completed|compensated] [--output table|json]",
		Short: "List cycles from Temporal visibility, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if status != "" && !slices.Contains(lifecycle.Statuses, status) {
				return fmt.Errorf("--status %q: want one of %v", status, lifecycle.Statuses)
			}
			if err := checkOutput(output, "table", "json"); err != nil {
				return err
			}
			var list []platform.CycleListing
			err := a.withTemporal(cmd.Context(), func(c client.Client) (err error) {
				list, err = platform.ListCycles(cmd.Context(), c, scope, status, limit)
				return err
			})
			if err != nil {
				return err
			}
			if output == "json" {
				docs := make([]platform.CycleListingDoc, 0, len(list))
				for _, l := range list {
					docs = append(docs, platform.ListingDoc(l))
				}
				return printJSON(cmd.OutOrStdout(), map[string]any{"cycles": docs})
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "WORKFLOW ID\tSTATUS\tSCOPE\tPERIOD\tREV\tSTARTED (UTC)\tTEMPORAL")
			for _, l := range list {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", l.WorkflowID, l.Status, l.Scope, l.Period, l.Revision,
					l.Started.UTC().Format(time.DateTime), l.Execution)
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&scope, "scope", "", "only this scope")
	cmd.Flags().StringVar(&status, "status", "", "only cycles in this status")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many")
	cmd.Flags().StringVar(&output, "output", "table", "table, or json as the API answers")
	return cmd
}

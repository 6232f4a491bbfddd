package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/workflows"
)

func (a *app) historyCmd() *cobra.Command {
	var runID string
	export := &cobra.Command{
		Use:   "export WORKFLOW-ID > history.json",
		Short: "Print a cycle's workflow history as JSON (for replay and golden tests)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var h *historypb.History
			err := a.withTemporal(cmd.Context(), func(c client.Client) (err error) {
				h, err = platform.History(cmd.Context(), c, args[0], runID)
				return err
			})
			if err != nil {
				return err
			}
			data, err := platform.HistoryJSON(h)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(data)
			return err
		},
	}
	export.Flags().StringVar(&runID, "run-id", "", "a specific run (default: the latest)")
	cmd := &cobra.Command{Use: "history", Short: "Workflow histories"}
	cmd.AddCommand(export)
	return cmd
}

func (a *app) replayCmd() *cobra.Command {
	var workflowID, runID, file string
	cmd := &cobra.Command{
		Use:   "replay (--workflow-id ID | --file history.json)",
		Short: "Replay a recorded cycle against this binary's workflow code",
		Long: `Replays a workflow history — fetched from the server or read from a file — against
the workflow code in this binary. Exits non-zero with the reason when the code
would not have produced that history (nondeterminism): a change that needs a
workflow.GetVersion guard.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if (workflowID == "") == (file == "") {
				return fmt.Errorf("give exactly one of --workflow-id or --file")
			}
			if file != "" {
				f, err := os.Open(file)
				if err != nil {
					return err
				}
				defer f.Close()
				hist, err := workflows.ReadHistoryJSON(f)
				if err != nil {
					return fmt.Errorf("%s: %w", file, err)
				}
				return replayOutcome(cmd, file, workflows.Replay(hist))
			}
			return a.withTemporal(ctx, func(c client.Client) error {
				hist, err := platform.History(ctx, c, workflowID, runID)
				if err != nil {
					return err
				}
				return replayOutcome(cmd, workflowID, workflows.Replay(hist))
			})
		},
	}
	cmd.Flags().StringVar(&workflowID, "workflow-id", "", "fetch this workflow's history from the server")
	cmd.Flags().StringVar(&runID, "run-id", "", "with --workflow-id: a specific run")
	cmd.Flags().StringVar(&file, "file", "", "read the history from this JSON file")
	return cmd
}

func replayOutcome(cmd *cobra.Command, source string, err error) error {
	if err != nil {
		return fmt.Errorf("replay of %s FAILED — the current workflow code is not compatible with it: %w", source, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "replay of %s: OK (deterministic against this binary)\n", source)
	return nil
}

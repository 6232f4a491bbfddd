package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/store"
)

func (a *app) retentionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "retention",
		Short: "Purge what each scope's retention says has expired",
		Long: `The RetentionPurge workflow removes, for every scope, what its retention
section says has expired from its finished cycles — staged records,
quarantine, event payloads (redacted: the events and their hash chain stay) —
and nothing a legal hold covers (see settleflow hold). The books are kept
forever. Each run is recorded with its counts, and each cycle it touched gets
a retention.purged event.`,
	}
	cmd.AddCommand(a.retentionRunCmd(), a.retentionScheduleCmd(), a.retentionUnscheduleCmd(), a.retentionListCmd())
	return cmd
}

func (a *app) retentionRunCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Run the purge now and wait for what it removed (a worker must be running)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withTemporal(cmd.Context(), func(c client.Client) error {
				run, err := platform.StartPurge(cmd.Context(), c)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "started %s (run %s)\n", run.GetID(), run.GetRunID())
				res, err := platform.WaitPurge(cmd.Context(), run)
				if err != nil {
					return err
				}
				printPurgeResult(cmd.OutOrStdout(), res)
				return nil
			})
		},
	}
}

func printPurgeResult(w io.Writer, r activities.PurgeResult) {
	fmt.Fprintf(w, "purge %s: %d cycles · %d staging partitions dropped (%d records) · %d quarantined records · "+
		"%d event payloads redacted · %d expired cycles kept under legal hold\n",
		r.ID, r.Cycles, r.PartitionsDropped, r.RecordsRemoved, r.QuarantineRemoved, r.PayloadsRedacted, r.Held)
}

func (a *app) retentionScheduleCmd() *cobra.Command {
	var every, offset time.Duration
	cmd := &cobra.Command{
		Use:   "schedule [--every 24h] [--offset 3h]",
		Short: "Run the purge on a Temporal Schedule (one for all scopes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withTemporal(cmd.Context(), func(c client.Client) error {
				if err := platform.CreatePurgeSchedule(cmd.Context(), c, every, offset); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "created %s: every %s, offset %s from midnight UTC\n", platform.PurgeScheduleID, every, offset)
				return nil
			})
		},
	}
	cmd.Flags().DurationVar(&every, "every", 24*time.Hour, "how often the purge runs")
	cmd.Flags().DurationVar(&offset, "offset", 3*time.Hour, "when in each interval, from midnight UTC")
	return cmd
}

func (a *app) retentionUnscheduleCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "unschedule",
		Short: "Delete the purge's schedule",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withTemporal(cmd.Context(), func(c client.Client) error {
				if err := platform.DeletePurgeSchedule(cmd.Context(), c); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "deleted %s\n", platform.PurgeScheduleID)
				return nil
			})
		},
	}
}

func (a *app) retentionListCmd() *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "list [--limit 20]",
		Short: "List the latest purge runs with what each removed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(cmd.Context(), func(st *store.Store) error {
				purges, err := st.Purges(cmd.Context(), limit)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "RUN (UTC)\tFINISHED\tCYCLES\tPARTITIONS\tRECORDS\tQUARANTINE\tPAYLOADS\tHELD")
				for _, p := range purges {
					finished := "running or failed"
					if p.FinishedAt != nil {
						finished = p.FinishedAt.UTC().Format(time.DateTime)
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n", p.RunAt.UTC().Format(time.DateTime), finished,
						p.Cycles, p.PartitionsDropped, p.RecordsRemoved, p.QuarantineRemoved, p.PayloadsRedacted, p.Held)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 20, "how many runs")
	return cmd
}

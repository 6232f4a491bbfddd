package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/bench"
)

func (a *app) benchCmd() *cobra.Command {
	o := bench.Options{Period: bench.DefaultPeriod, Seed: 42}
	var output string
	progress := true
	cmd := &cobra.Command{
		Use:   "bench --records N [--sources provider] [--output table|json]",
		Short: "Settle one simulated period of about N records and report time, CPU, memory and storage",
		Long: `Starts what it needs as dev does (local Postgres if it is down; the Temporal
dev server unless one answers at --temporal-address), creates a database and a
namespace of its own, and runs the simulator and a worker as processes of
their own, so each one's CPU and memory are measured. It then settles one
past period of a daily UTC scope with one source per kind, sized to about N
records, and reports wall and CPU time per step, records per second, the
worker's peak memory, history events, staging bytes per record, and how the
cycle compares with a bare COPY of the same staged rows into Postgres.

Everything it started is stopped at the end, also on Ctrl-C; the database and
namespace are dropped unless --keep-db. Progress goes to stderr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output, "table", "json"); err != nil {
				return err
			}
			// The bench creates a database of its own, which takes the
			// migration (superuser) connection.
			o.DatabaseURL, o.TemporalAddress, o.Log = a.migrationURL(), a.temporal.Address, a.log
			if progress {
				o.Watch = func(ctx context.Context, c client.Client, workflowID, runID string) func() {
					return watchProgress(ctx, cmd.ErrOrStderr(), cycleProgress(c, workflowID, runID)).Stop
				}
			}
			res, err := bench.Run(cmd.Context(), o)
			if err != nil && cmd.Context().Err() != nil {
				return errors.New("bench interrupted; everything it started has been stopped")
			}
			if err != nil {
				return fmt.Errorf("bench: %w", err)
			}
			if output == "json" {
				return printJSON(cmd.OutOrStdout(), res)
			}
			return printBench(cmd.OutOrStdout(), res)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Records, "records", 100_000, "about how many records to settle (a simulated round yields 1.42 on average)")
	f.StringSliceVar(&o.Kinds, "sources", []string{"provider"}, "source kinds, one source each")
	f.StringVar(&output, "output", "table", "table or json")
	f.StringVar(&o.Period, "period", o.Period, "the day to settle (a fixed past day, so runs compare)")
	f.Int64Var(&o.Seed, "seed", o.Seed, "simulator seed")
	f.IntVar(&o.PageSize, "page-size", 0, "the sources' page_size; 0 keeps the scope default")
	f.BoolVar(&o.KeepDB, "keep-db", false, "keep the database, namespace and work directory (config, process logs) afterwards")
	f.BoolVar(&progress, "progress", progress, "show the cycle's progress on stderr")
	return cmd
}

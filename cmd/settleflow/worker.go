package main

import (
	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/platform"
)

func (a *app) workerCmd() *cobra.Command {
	var migrate bool
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Run a worker for settlement cycles against any Temporal cluster",
		Long: `Polls the settleflow task queue on the configured Temporal cluster and runs
cycle workflows and activities until interrupted. Start as many as you need.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			if migrate {
				if _, err := a.migrate(ctx, false); err != nil {
					return err
				}
			}
			st, err := a.openBooks(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := a.serveMetrics(ctx, st); err != nil {
				return err
			}
			c, err := a.dial(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			w := platform.NewWorker(c, a.activities(st, cat, nil))
			a.log.Info("worker polling", "address", a.temporal.Address, "namespace", a.temporal.Namespace)
			stop := make(chan any)
			go func() {
				<-ctx.Done()
				close(stop)
			}()
			return w.Run(stop)
		},
	}
	cmd.Flags().BoolVar(&migrate, "migrate", true, "apply pending database migrations (over --migrate-database-url) before polling")
	a.metricsFlag(cmd)
	return cmd
}

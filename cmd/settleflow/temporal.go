package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/devserver"
	"github.com/settleflow/settleflow/internal/platform"
	temporalconfig "github.com/settleflow/settleflow/temporal-config"
)

func (a *app) temporalCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "temporal", Short: "Prepare or stop Temporal for settleflow"}
	var retention time.Duration
	setup := &cobra.Command{
		Use:   "setup",
		Short: "Register the namespace and search attributes on an existing cluster",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			tc, err := temporalconfig.Default()
			if err != nil {
				return err
			}
			err = a.withTemporal(ctx, func(c client.Client) error {
				sctx, cancel := context.WithTimeout(ctx, time.Minute)
				defer cancel()
				return platform.SetupNamespace(sctx, c, a.temporal.Namespace, retention, tc.SearchAttributes)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "namespace %s ready with %d search attributes\n", a.temporal.Namespace, len(tc.SearchAttributes))
			return nil
		},
	}
	setup.Flags().DurationVar(&retention, "retention", 30*24*time.Hour, "history retention for a namespace this creates")
	var stateDir string
	stop := &cobra.Command{
		Use:   "stop",
		Short: "Stop the dev server `settleflow dev` started",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return devserver.StopTemporal(stateDir)
		},
	}
	stop.Flags().StringVar(&stateDir, "state-dir", ".state", "the dev server's state directory")
	cmd.AddCommand(setup, stop)
	return cmd
}

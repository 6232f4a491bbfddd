package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/store"
)

func (a *app) migrateCmd() *cobra.Command {
	var create bool
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the embedded database migrations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if create {
				if err := store.EnsureDatabase(ctx, a.databaseURL); err != nil {
					return err
				}
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			n, err := st.Migrate(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "applied %d migration(s)\n", n)
			return nil
		},
	}
	cmd.Flags().BoolVar(&create, "create-database", true, "create the database first if it does not exist")
	return cmd
}

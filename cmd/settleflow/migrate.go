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
		Short: "Apply the embedded database migrations as the owner role",
		Long: `Applies the embedded migrations over --migrate-database-url, as ` + store.OwnerRole + `.
Connected as a superuser (the local default), it first creates the roles
` + store.OwnerRole + ` (owns the schema) and ` + store.AppRole + ` (what workers and
serve connect as) and hands the database to the owner; on a real server a
DBA creates them once (README, "Database roles").`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := a.migrate(cmd.Context(), create)
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

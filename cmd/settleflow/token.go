package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/store"
)

func (a *app) tokenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Create, list and revoke API tokens",
		Long: `API tokens authenticate the HTTP API, the console and the CLI's operator
actions through the API. A token has a name (the identity its actions are
recorded under, and what four eyes compares) and a role: viewer, operator,
approver or admin, each allowing what the ones before it allow. Only a hash
is stored; the token is shown once, when it is created. These commands talk
to Postgres directly, so they are for whoever administers the database.`,
	}
	cmd.AddCommand(a.tokenCreateCmd(), a.tokenListCmd(), a.tokenRevokeCmd())
	return cmd
}

func (a *app) tokenCreateCmd() *cobra.Command {
	var name, role string
	cmd := &cobra.Command{
		Use:   "create --name NAME --role viewer|operator|approver|admin",
		Short: "Create a token and print it, once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(cmd.Context(), func(st *store.Store) error {
				t, err := platform.CreateToken(cmd.Context(), st, name, role, currentUser())
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "created token %s for %s (%s); it is shown this once:\n", t.ID, t.Name, t.Role)
				fmt.Fprintln(cmd.OutOrStdout(), t.Secret)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "who the token acts as: a person's or service's handle (required)")
	cmd.Flags().StringVar(&role, "role", "", "viewer, operator, approver or admin (required)")
	_ = cmd.MarkFlagRequired("name")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

func (a *app) tokenListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List tokens, revoked ones too (never the tokens themselves)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(cmd.Context(), func(st *store.Store) error {
				list, err := platform.ListTokens(cmd.Context(), st)
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tNAME\tROLE\tCREATED (UTC)\tBY\tREVOKED (UTC)")
				for _, t := range list {
					revoked := "-"
					if t.RevokedAt != nil {
						revoked = t.RevokedAt.UTC().Format(time.DateTime) + " by " + t.RevokedBy
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.CreatedAt.UTC().Format(time.DateTime), t.CreatedBy, revoked)
				}
				return w.Flush()
			})
		},
	}
}

func (a *app) tokenRevokeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID|NAME",
		Short: "Revoke a token by ID, or every active token of a name; it stops working at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withStore(cmd.Context(), func(st *store.Store) error {
				revoked, err := platform.RevokeTokens(cmd.Context(), st, args[0], currentUser())
				if err != nil {
					return err
				}
				for _, t := range revoked {
					fmt.Fprintf(cmd.OutOrStdout(), "revoked %s (%s, %s)\n", t.ID, t.Name, t.Role)
				}
				return nil
			})
		},
	}
}

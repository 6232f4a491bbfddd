package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/store"
)

func (a *app) discrepancyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "discrepancy", Short: "List and resolve a cycle's reconciliation breaks"}
	cmd.AddCommand(a.discrepancyListCmd(), a.discrepancyResolveCmd(), a.discrepancyExportCmd(), a.discrepancyImportCmd())
	return cmd
}

func (a *app) discrepancyListCmd() *cobra.Command {
	var q platform.BreakQuery
	var output string
	cmd := &cobra.Command{
		Use:   "list --cycle ID [--status S] [--type T] [--min-amount A] [--output table|json|csv]",
		Short: "List a cycle's breaks, most urgent first",
		Long: `Lists the breaks reconciliation found in a cycle (named by its workflow ID or
cycle ID), in priority order: breaks no rate can value first, then by their
worth in the scope's reporting currency, then by kind. --type takes a reason
code (AMOUNT_MISMATCH) or a record type (bet); --min-amount a decimal amount
of the reporting currency.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "table" && output != "json" && output != "csv" {
				return fmt.Errorf("--output %q: want table, json or csv", output)
			}
			return a.withStore(cmd.Context(), func(st *store.Store) error {
				c, list, err := platform.ListDiscrepancies(cmd.Context(), st, q)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				switch output {
				case "json":
					enc := json.NewEncoder(out)
					enc.SetIndent("", "  ")
					return enc.Encode(list)
				case "csv":
					return platform.WriteDiscrepanciesCSV(out, list)
				}
				printBreaks(out, c, list)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.Cycle, "cycle", "", "workflow ID or cycle ID (required)")
	f.StringVar(&q.Status, "status", "", "only breaks in this status: "+strings.Join(recon.Statuses, ", "))
	f.StringVar(&q.Type, "type", "", "only this reason code or record type")
	f.StringVar(&q.MinAmount, "min-amount", "", "only breaks worth at least this much in the reporting currency")
	f.StringVar(&output, "output", "table", "table, json or csv")
	_ = cmd.MarkFlagRequired("cycle")
	return cmd
}

// discrepancyResolveCmd and discrepancyImportCmd go through the API when
// it is configured, as the token's identity, like the cycle commands'
// operator actions; list and export only read.
func (a *app) discrepancyResolveCmd() *cobra.Command {
	var r recon.Resolution
	api := &viaAPI{}
	cmd := &cobra.Command{
		Use:   "resolve ID --action accept|adjust|carry --reason \"…\" [--as ACTOR]",
		Short: "Resolve one break",
		Long: `accept: the difference stands; nothing is posted.
adjust: the difference is booked in a balanced journal entry of its own
        (debit the corrected source's clearing account, credit
        operator:recon-adjustments; reversed if the cycle is undone).
carry:  the break moves into the next cycle's reconciliation of the scope.
Actor and reason go to the cycle's event log. Repeating a resolution
applies it once. With --api-url and --api-token it goes through the API and
is recorded as the token's identity (--as is then refused).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := uuid.Parse(args[0])
			if err != nil {
				return fmt.Errorf("%q is not a discrepancy id", args[0])
			}
			through, err := api.use(cmd)
			if err != nil {
				return err
			}
			if through {
				return api.resolve(cmd, id.String(), r.Action, r.Reason)
			}
			return a.withStore(cmd.Context(), func(st *store.Store) error {
				if err := platform.ResolveDiscrepancies(cmd.Context(), st, []platform.Resolve{{ID: id, Resolution: r}}); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %s by %s: %q\n", id, r.Action, r.Actor, r.Reason)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&r.Action, "action", "", "accept, adjust or carry (required)")
	f.StringVar(&r.Reason, "reason", "", "why (required; recorded in the cycle's event log)")
	f.StringVar(&r.Actor, "as", currentUser(), "who resolves it (recorded); direct database access only")
	api.register(cmd)
	_ = cmd.MarkFlagRequired("action")
	_ = cmd.MarkFlagRequired("reason")
	return cmd
}

func (a *app) discrepancyExportCmd() *cobra.Command {
	var cycle string
	cmd := &cobra.Command{
		Use:   "export --cycle ID > breaks.csv",
		Short: "Write a cycle's breaks as CSV, to fill in action and reason and import",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(cmd.Context(), func(st *store.Store) error {
				_, list, err := platform.ListDiscrepancies(cmd.Context(), st, platform.BreakQuery{Cycle: cycle})
				if err != nil {
					return err
				}
				return platform.WriteDiscrepanciesCSV(cmd.OutOrStdout(), list)
			})
		},
	}
	cmd.Flags().StringVar(&cycle, "cycle", "", "workflow ID or cycle ID (required)")
	_ = cmd.MarkFlagRequired("cycle")
	return cmd
}

func (a *app) discrepancyImportCmd() *cobra.Command {
	var actor string
	api := &viaAPI{}
	cmd := &cobra.Command{
		Use:   "import FILE.csv [--as ACTOR]",
		Short: "Apply the actions filled in an exported CSV, all or nothing",
		Long: `Reads a file written by discrepancy export in which the action and reason
columns were filled in (rows left without an action are skipped). Every row
is checked first — the other columns as exported, a known action, a reason,
a resolution the break allows — and if any row is refused nothing is applied
and every refusal is printed with its row and field. "-" reads standard input.
With --api-url and --api-token it goes through the API and is recorded as
the token's identity (--as is then refused).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			through, err := api.use(cmd)
			if err != nil {
				return err
			}
			in := cmd.InOrStdin()
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			if through {
				return api.importFile(cmd, in)
			}
			return a.withStore(cmd.Context(), func(st *store.Store) error {
				res, err := platform.ImportDiscrepancies(cmd.Context(), st, in, actor)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), res.Describe(actor))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&actor, "as", currentUser(), "who resolves them (recorded); direct database access only")
	api.register(cmd)
	return cmd
}

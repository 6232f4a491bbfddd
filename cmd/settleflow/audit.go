package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/audit"
	"github.com/settleflow/settleflow/internal/store"
)

func (a *app) auditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check the books against their seals",
	}
	cmd.AddCommand(a.auditVerifyCmd())
	return cmd
}

func (a *app) auditVerifyCmd() *cobra.Command {
	var cycle, output string
	cmd := &cobra.Command{
		Use:   "verify [--cycle ID] [--output text|json]",
		Short: "Verify the event logs, journal and statements; exit non-zero naming every broken row",
		Long: `Walks every cycle's event log (or one cycle's, by cycle ID or workflow ID),
the journal and the statements against their HMAC seals (key from
SETTLEFLOW_AUDIT_KEY or SETTLEFLOW_AUDIT_KEY_FILE), their chains and their
sealed heads; checks that every statement's content still has its published
SHA-256, that every journal entry balances, and that each cycle's status
agrees with its log. Every edited, inserted or deleted row is reported by
table and id, and the command exits non-zero. See docs/audit.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output, "text", "json"); err != nil {
				return err
			}
			ctx := cmd.Context()
			st, err := a.openBooks(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			cycles, err := auditCycles(ctx, st, cycle)
			if err != nil {
				return err
			}
			r, err := st.VerifyBooks(ctx, cycles)
			if err != nil {
				return err
			}
			if err := printAudit(cmd.OutOrStdout(), r, output); err != nil {
				return err
			}
			if !r.OK() {
				return fmt.Errorf("audit verify: %d problem(s) found", len(r.Findings))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&cycle, "cycle", "", "verify one cycle: its cycle ID, or a workflow ID (every run of it)")
	cmd.Flags().StringVar(&output, "output", "text", "text or json")
	return cmd
}

// auditCycles resolves --cycle: nothing is every cycle, a UUID one cycle,
// anything else a workflow ID and every cycle its runs recorded.
func auditCycles(ctx context.Context, st *store.Store, ref string) ([]uuid.UUID, error) {
	if ref == "" {
		return nil, nil
	}
	if id, err := uuid.Parse(ref); err == nil {
		if _, err := st.Cycle(ctx, id); err != nil {
			return nil, err
		}
		return []uuid.UUID{id}, nil
	}
	ids, err := st.CycleIDsOfWorkflow(ctx, ref)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("--cycle %s: no cycle recorded under that cycle or workflow ID: %w", ref, store.ErrNotFound)
	}
	return ids, nil
}

func printAudit(w io.Writer, r *audit.Report, output string) error {
	if output == "json" {
		return printJSON(w, r)
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "%s %s: %s\n", f.Table, f.ID, f.Problem)
	}
	var checked []string
	for _, table := range slices.Sorted(maps.Keys(r.Checked)) {
		checked = append(checked, fmt.Sprintf("%d %s (%d unsealed)", r.Checked[table], table, r.Unsealed[table]))
	}
	verdict := "OK"
	if !r.OK() {
		verdict = fmt.Sprintf("%d problem(s)", len(r.Findings))
	}
	_, err := fmt.Fprintf(w, "%s: checked %s; %d sealed heads (--output json lists them)\n",
		verdict, strings.Join(checked, ", "), len(r.Heads))
	return err
}

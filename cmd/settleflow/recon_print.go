package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/money"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/store"
)

// printBreaks prints breaks as a table, most urgent first.
func printBreaks(w io.Writer, c store.Cycle, list []store.Discrepancy) {
	fmt.Fprintf(w, "%d discrepancies of %s (cycle %s)\n", len(list), c.WorkflowID, c.ID)
	if len(list) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PRIO\tSTATUS\tKIND\tPAIR\tTYPE\tKEY\tLEFT\tRIGHT\tDIFFERENCE\tWORTH\tID\tDETAIL")
	for _, d := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.Priority, d.Status, d.Kind, orDash(d.Pair), d.RecordType,
			d.Key, side(d.Left), side(d.Right), amountOr(d.Difference, d.Currency), amountOr(d.ReportingAmount, d.ReportingCurrency), d.ID,
			detail(d))
	}
	tw.Flush()
}

func side(s store.BreakSide) string {
	if s.Amount == nil {
		return s.Source + " —"
	}
	return s.Source + " " + amountOr(s.Amount, s.Currency)
}

func detail(d store.Discrepancy) string {
	parts := []string{d.Detail}
	if d.ResolvedBy != "" {
		parts = append(parts, fmt.Sprintf("%s by %s: %s", d.Status, d.ResolvedBy, d.Reason))
	}
	return strings.Join(parts, " · ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// amountOr formats minor units of currency, or "—" when there is no
// amount (nothing to compare, or no rate to value it).
func amountOr(v *int64, currency string) string {
	if v == nil {
		return "—"
	}
	c, err := money.Lookup(currency)
	if err != nil {
		return fmt.Sprintf("%d %s", *v, currency)
	}
	return money.Format(*v, c)
}

// printReconciliation prints a cycle's reconciliation as it stands now:
// by pair and type, what matched and what is auto-resolved, open and
// resolved, and what the open breaks are worth.
func printReconciliation(w io.Writer, counts []recon.Count, reporting string) {
	if len(counts) == 0 {
		return
	}
	fmt.Fprintf(w, "\n  reconciliation (values in %s):\n", orDash(reporting))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "    PAIR\tTYPE\tMATCHED\tAUTO-RESOLVED\tOPEN\tRESOLVED\tOPEN WORTH")
	for _, c := range append(counts, total(counts)) {
		fmt.Fprintf(tw, "    %s\t%s\t%d\t%d\t%d\t%d\t%s\n", orDash(c.Pair), c.Type, c.Matched, c.AutoResolved, c.Open, c.Resolved, openWorth(c, reporting))
	}
	tw.Flush()
}

func total(counts []recon.Count) recon.Count {
	t := recon.Sum(counts)
	t.Pair, t.Type = "total", ""
	return t
}

func openWorth(c recon.Count, reporting string) string {
	worth := amountOr(&c.OpenAmount, reporting)
	if c.OpenUnvalued > 0 {
		worth += fmt.Sprintf(" + %d unvalued", c.OpenUnvalued)
	}
	return worth
}

// showReconciliation prints the live reconciliation of a cycle for
// `cycle show`; a cycle that never reconciled prints nothing.
func showReconciliation(ctx context.Context, w io.Writer, st *store.Store, cycleID string) error {
	id, err := uuid.Parse(cycleID)
	if err != nil {
		return fmt.Errorf("cycle id %q: %w", cycleID, err)
	}
	counts, err := st.ReconCounts(ctx, id)
	if err != nil {
		return err
	}
	open, err := st.OpenBreaks(ctx, id)
	if err != nil {
		return err
	}
	printReconciliation(w, counts, open.ReportingCurrency)
	return nil
}

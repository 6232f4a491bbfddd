package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/store"
)

// topBreaks is how many open breaks the summary names.
const topBreaks = 5

// printReconSummary prints what reconciliation found in a settled cycle:
// the share of records that met their counterpart, the breaks by kind with
// what the open ones are worth, the most urgent open ones and where an
// operator resolves them. Live figures: resolutions since count.
func printReconSummary(ctx context.Context, w io.Writer, st *store.Store, id uuid.UUID, workflowID string, r activities.ReconcileResult) error {
	matched, records, err := st.MatchedShare(ctx, id)
	if err != nil {
		return err
	}
	counts, err := st.ReconCounts(ctx, id)
	if err != nil {
		return err
	}
	t := recon.Sum(counts)
	fmt.Fprintf(w, "  reconcile   %s of %s records met their counterpart (%s) · %d matches · auto-resolved %d · open %d worth %s · carried in %d\n",
		thousands(matched), thousands(records), percent(matched, records), t.Matched, t.AutoResolved, t.Open,
		openWorth(t, r.ReportingCurrency), r.CarriedIn)
	kinds, err := st.BreakKinds(ctx, id)
	if err != nil || len(kinds) == 0 {
		return err
	}
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		worth := openWorth(recon.Count{OpenAmount: k.OpenWorth, OpenUnvalued: k.Unvalued}, r.ReportingCurrency)
		parts = append(parts, fmt.Sprintf("%s %d (%d open, %s)", k.Kind, k.Found, k.Open, worth))
	}
	fmt.Fprintf(w, "  breaks      %s\n", strings.Join(parts, " · "))
	top, err := st.TopOpenBreaks(ctx, id, topBreaks)
	if err != nil || len(top) == 0 {
		return err
	}
	fmt.Fprintf(w, "  most urgent\n")
	for _, d := range top {
		fmt.Fprintf(w, "    %d. %s %s %s: %s · worth %s · %s\n", d.Priority, d.Pair, d.RecordType, d.Key,
			recon.Describe(d.Kind, d.Left.Source, d.Right.Source), amountOr(d.ReportingAmount, d.ReportingCurrency), d.ID)
	}
	fmt.Fprintf(w, "  resolve     bin/settleflow discrepancy list --cycle %s (then resolve, or export → edit → import), or on the console's cycle page\n",
		workflowID)
	return nil
}

// percent is part of whole to one decimal, computed in integers.
func percent(part, whole int64) string {
	if whole == 0 {
		return "—"
	}
	tenths := (part*1000 + whole/2) / whole
	return fmt.Sprintf("%d.%d%%", tenths/10, tenths%10)
}

// thousands writes n with comma separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/money"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/workflows"
)

// printSummary prints what a person wants to know after a cycle: records,
// GGR, what each partner is owed, whether the books balance, and where to
// look in Temporal.
func printSummary(ctx context.Context, w io.Writer, st *store.Store, res workflows.CycleResult, uiURL, namespace string) error {
	if res.CycleID == "" {
		return nil
	}
	id, err := uuid.Parse(res.CycleID)
	if err != nil {
		return fmt.Errorf("cycle id %q: %w", res.CycleID, err)
	}
	c, err := st.Cycle(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nCycle %s — %s\n", res.WorkflowID, strings.ToUpper(res.Status))
	fmt.Fprintf(w, "  period      %s %s = [%s, %s) UTC, revision %d\n", c.Scope, c.PeriodKey,
		c.PeriodStart.Format(time.RFC3339), c.PeriodEnd.Format(time.RFC3339), c.Revision)
	var pulled, dups, pages int
	for _, p := range res.Pulls {
		pulled += p.Progress.Received + p.Progress.Rejects
		dups += p.Progress.Duplicates
		pages += p.Progress.Pages
	}
	printSources(w, res.Pulls)
	v := res.Validation
	fmt.Fprintf(w, "  records     pulled %d in %d pages · duplicates dropped %d · staged %d · accepted %d · rejected %d\n",
		pulled, pages, dups, v.Staged, v.Accepted, v.Rejected+v.FormatRejects+v.Conflicts)
	if len(v.ByReason) > 0 {
		fmt.Fprintf(w, "  rejects     %s\n", joinCounts(v.ByReason))
	}
	if r := res.Reconciliation; r.GateAction != "" {
		if err := printReconSummary(ctx, w, st, id, res.WorkflowID, r); err != nil {
			return err
		}
	}
	for _, p := range res.Pulls {
		if p.Fallback != "" {
			fmt.Fprintf(w, "  fallback    %s's figures were taken from %s (%d records)\n", p.Source, p.Fallback, p.Progress.Inserted)
		}
	}
	if err := printCorrections(w, res.Corrections); err != nil {
		return err
	}
	for _, s := range res.Shares {
		cur, err := money.Lookup(s.Currency)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-11s GGR %s → %s owed %s (agreement v%d) · operator keeps %s\n", s.Currency,
			money.Format(s.GGR, cur), s.Partner, money.Format(s.PartnerAmount, cur), s.AgreementVersion, money.Format(s.OperatorAmount, cur))
	}
	lines, err := st.CycleLines(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  ledger      %s (%d journal lines)\n", balanceWord(ledger.Balance(lines)), len(lines))
	for _, s := range res.Statements {
		fmt.Fprintf(w, "  statement   %s sha256 %s\n", s.Partner, s.SHA256)
	}
	if res.Summary != "" {
		fmt.Fprintf(w, "  summary     %s\n", res.Summary)
	}
	fmt.Fprintf(w, "  workflow    %s (cycle %s)\n", res.WorkflowID, res.CycleID)
	fmt.Fprintf(w, "  Temporal UI %s/namespaces/%s/workflows/%s\n", uiURL, namespace, url.PathEscape(res.WorkflowID))
	return nil
}

// printSources lists how many records each source delivered.
func printSources(w io.Writer, pulls []activities.PullResult) {
	if len(pulls) < 2 {
		return
	}
	parts := make([]string, 0, len(pulls))
	for _, p := range pulls {
		parts = append(parts, fmt.Sprintf("%s %s", p.Source, thousands(int64(p.Progress.Received+p.Progress.Rejects))))
	}
	fmt.Fprintf(w, "  sources     %s\n", strings.Join(parts, " · "))
}

// printCorrections shows what a revision changed in the figures the
// revision before took from a fallback.
func printCorrections(w io.Writer, corrections []activities.FallbackCorrection) error {
	for _, k := range corrections {
		cur, err := money.Lookup(k.Currency)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  revised     %s %s GGR %s → %s (%s; %d → %d records), the revision before took it from %s\n",
			k.Source, k.Currency, money.Format(k.PreviousGGR, cur), money.Format(k.GGR, cur), signed(k.Difference, cur),
			k.PreviousRecords, k.Records, k.Fallback)
	}
	return nil
}

func signed(amount int64, c money.Currency) string {
	if amount > 0 {
		return "+" + money.Format(amount, c)
	}
	return money.Format(amount, c)
}

func balanceWord(sums map[string]int64) string {
	var off []string
	for cur, sum := range sums {
		if sum != 0 {
			off = append(off, fmt.Sprintf("%s off by %d", cur, sum))
		}
	}
	if len(off) == 0 {
		return "balanced in every currency"
	}
	sort.Strings(off)
	return "NOT BALANCED: " + strings.Join(off, ", ")
}

func joinCounts(m map[string]int64) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, " · ")
}

// printStatus prints the status query's answer as a table of steps.
func printStatus(w io.Writer, st workflows.CycleStatus) {
	fmt.Fprintf(w, "Cycle %s (cycle id %s)\n", st.WorkflowID, st.CycleID)
	fmt.Fprintf(w, "  scope %s · period %s [%s, %s) · revision %d · status %s\n", st.Scope, st.PeriodKey,
		st.PeriodStart.Format(time.RFC3339), st.PeriodEnd.Format(time.RFC3339), st.Revision, strings.ToUpper(st.Status))
	if st.Error != "" {
		fmt.Fprintf(w, "  reason: %s\n", st.Error)
	}
	if st.Summary != "" {
		fmt.Fprintf(w, "  summary: %s\n", st.Summary)
	}
	if b := st.Blocked; b != nil {
		fmt.Fprintf(w, "  BLOCKED on %s since %s: %s\n", b.Step, b.Since.UTC().Format(time.DateTime), b.Error)
		fmt.Fprintf(w, "    actions: retry%s%s%s", map[bool]string{true: ", skip"}[b.CanSkip], map[bool]string{true: ", abort"}[b.CanAbort],
			map[bool]string{true: ", fallback"}[b.CanFallback])
		if !b.AutoAbortAt.IsZero() {
			fmt.Fprintf(w, " · aborts on its own at %s UTC", b.AutoAbortAt.UTC().Format(time.DateTime))
		}
		fmt.Fprintln(w)
	}
	if ap := st.Approval; ap != nil {
		fmt.Fprintf(w, "  approval: %s\n", strings.Join(ap.Reasons, "; "))
		if ap.Decision == "" {
			fmt.Fprintf(w, "    waiting for approve/reject by someone other than %s\n", st.StartedBy)
		} else {
			fmt.Fprintf(w, "    decided: %s by %s\n", ap.Decision, ap.Actor)
		}
	}
	fmt.Fprintf(w, "\n  %-9s %-12s %-20s %-9s %s\n", "STEP", "STATUS", "STARTED (UTC)", "TOOK", "COUNTS")
	for _, s := range st.Steps {
		started, took := "-", "-"
		if !s.StartedAt.IsZero() {
			started = s.StartedAt.UTC().Format("2006-01-02 15:04:05")
			if !s.EndedAt.IsZero() {
				took = s.EndedAt.Sub(s.StartedAt).Round(time.Millisecond).String()
			}
		}
		fmt.Fprintf(w, "  %-9s %-12s %-20s %-9s %s\n", s.Name, s.Status, started, took, joinCounts(s.Counts))
		if s.Error != "" {
			fmt.Fprintf(w, "  %9s error: %s\n", "", s.Error)
		}
	}
	for _, f := range st.Fallbacks {
		fmt.Fprintf(w, "  %s's figures taken from its fallback %s (%d records; %s by %s: %q)\n", f.Source, f.Fallback, f.Records,
			f.Mode, f.Actor, f.Reason)
	}
	if len(st.Compensated) > 0 {
		fmt.Fprintf(w, "\n  undone (newest first): %s\n", strings.Join(st.Compensated, ", "))
	}
	if len(st.Actions) > 0 {
		fmt.Fprintf(w, "\n  operator actions:\n")
		for _, act := range st.Actions {
			fmt.Fprintf(w, "    %s  %-8s by %-12s on %-10s %q\n", act.Recorded.UTC().Format(time.DateTime), act.Action, act.Actor, act.Step, act.Reason)
		}
	}
}

func statusWord(s enumspb.WorkflowExecutionStatus) string {
	return strings.ToLower(strings.TrimPrefix(s.String(), "WORKFLOW_EXECUTION_STATUS_"))
}

package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/store"
)

func (a *app) holdCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hold",
		Short: "Place, list and release legal holds that keep data from the retention purge",
		Long: `A legal hold keeps everything of the cycles it covers — staged records,
quarantine, event payloads — past the scope's retention until it is released.
It covers a whole scope, the periods from --from to --to, or one cycle.
Holds are never deleted; a release records who released it and why.`,
	}
	cmd.AddCommand(a.holdAddCmd(), a.holdListCmd(), a.holdReleaseCmd())
	return cmd
}

// holdRequest is what `hold add` was asked for.
type holdRequest struct {
	scope, from, to, cycle, reason, actor string
}

func (a *app) holdAddCmd() *cobra.Command {
	var req holdRequest
	cmd := &cobra.Command{
		Use:   "add --scope S [--from P [--to P] | --cycle ID] --reason \"…\" [--as ACTOR]",
		Short: "Place a legal hold on a scope, a range of its periods, or one cycle",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			return a.withStore(cmd.Context(), func(st *store.Store) error {
				h, err := resolveHold(cmd.Context(), cat, st, req)
				if err != nil {
					return err
				}
				if h, err = st.AddHold(cmd.Context(), h); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "hold %d placed on %s by %s: %q\n", h.ID, covers(h), h.PlacedBy, h.Reason)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.scope, "scope", "", "scope held (required)")
	f.StringVar(&req.from, "from", "", "first period held, as the scope's calendar names it; none holds every period")
	f.StringVar(&req.to, "to", "", "last period held (default: --from)")
	f.StringVar(&req.cycle, "cycle", "", "hold one cycle: its workflow ID (latest run) or cycle ID")
	f.StringVar(&req.reason, "reason", "", "why (required; recorded)")
	f.StringVar(&req.actor, "as", currentUser(), "who places the hold (recorded)")
	_ = cmd.MarkFlagRequired("scope")
	_ = cmd.MarkFlagRequired("reason")
	cmd.MarkFlagsMutuallyExclusive("from", "cycle")
	return cmd
}

// resolveHold turns the request into a hold: periods named by the scope's
// calendar, a cycle by its ID or its workflow's.
func resolveHold(ctx context.Context, cat catalog.Catalog, st *store.Store, req holdRequest) (store.Hold, error) {
	sc, err := cat.Scope(req.scope)
	if err != nil {
		return store.Hold{}, err
	}
	h := store.Hold{Scope: sc.Name, Reason: req.reason, PlacedBy: req.actor}
	if req.from != "" {
		if req.to == "" {
			req.to = req.from
		}
		first, err := sc.Calendar.Parse(req.from)
		if err != nil {
			return h, fmt.Errorf("--from: %w", err)
		}
		last, err := sc.Calendar.Parse(req.to)
		if err != nil {
			return h, fmt.Errorf("--to: %w", err)
		}
		if last.End.Before(first.End) {
			return h, fmt.Errorf("--from %s is after --to %s", req.from, req.to)
		}
		h.PeriodFrom, h.PeriodTo = &first.Start, &last.End
	}
	if req.cycle != "" {
		c, err := lookupCycle(ctx, st, req.cycle)
		if err != nil {
			return h, err
		}
		if c.Scope != sc.Name {
			return h, fmt.Errorf("cycle %s belongs to scope %s, not %s", c.ID, c.Scope, sc.Name)
		}
		h.CycleID = &c.ID
	}
	return h, nil
}

func lookupCycle(ctx context.Context, st *store.Store, ref string) (store.Cycle, error) {
	if id, err := uuid.Parse(ref); err == nil {
		return st.Cycle(ctx, id)
	}
	return st.LatestCycleOfWorkflow(ctx, ref)
}

func (a *app) holdListCmd() *cobra.Command {
	var scope string
	var all bool
	cmd := &cobra.Command{
		Use:   "list [--scope S] [--all]",
		Short: "List the holds in force (with --all, released ones too)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(cmd.Context(), func(st *store.Store) error {
				holds, err := st.Holds(cmd.Context(), scope, all)
				if err != nil {
					return err
				}
				return printHolds(cmd.OutOrStdout(), holds)
			})
		},
	}
	cmd.Flags().StringVar(&scope, "scope", "", "only this scope's holds")
	cmd.Flags().BoolVar(&all, "all", false, "include released holds")
	return cmd
}

func printHolds(w io.Writer, holds []store.Hold) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCOVERS\tPLACED (UTC)\tBY\tREASON\tRELEASED")
	for _, h := range holds {
		released := "-"
		if !h.InForce() {
			released = fmt.Sprintf("%s by %s: %s", h.ReleasedAt.UTC().Format(time.DateTime), *h.ReleasedBy, *h.ReleaseReason)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", h.ID, covers(h), h.PlacedAt.UTC().Format(time.DateTime), h.PlacedBy, h.Reason, released)
	}
	return tw.Flush()
}

// covers says in words what a hold covers.
func covers(h store.Hold) string {
	switch {
	case h.CycleID != nil:
		return "scope " + h.Scope + " cycle " + h.CycleID.String()
	case h.PeriodFrom != nil:
		return fmt.Sprintf("scope %s periods in [%s, %s)", h.Scope, h.PeriodFrom.UTC().Format(time.RFC3339), h.PeriodTo.UTC().Format(time.RFC3339))
	}
	return "all of scope " + h.Scope
}

func (a *app) holdReleaseCmd() *cobra.Command {
	var reason, actor string
	cmd := &cobra.Command{
		Use:   "release ID --reason \"…\" [--as ACTOR]",
		Short: "Release a hold; the purge may then remove what had expired under it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("hold ID %q is not a number", args[0])
			}
			return a.withStore(cmd.Context(), func(st *store.Store) error {
				h, err := st.ReleaseHold(cmd.Context(), id, actor, reason)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "hold %d on %s released by %s: %q\n", h.ID, covers(h), actor, reason)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (required; recorded)")
	cmd.Flags().StringVar(&actor, "as", currentUser(), "who releases the hold (recorded)")
	_ = cmd.MarkFlagRequired("reason")
	return cmd
}

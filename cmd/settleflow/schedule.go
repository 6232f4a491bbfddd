package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/calendar"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/workflows"
)

func (a *app) scheduleCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "Settle scopes on their calendars with Temporal Schedules",
		Long: `Each scope gets one Temporal Schedule, settle-<scope>, firing at the scope's
cut-off in its own time zone. Every run settles the latest period that ended
at or before its nominal time, so late, triggered and backfilled runs all
settle the right period, and a period is never settled twice.`,
	}
	cmd.AddCommand(a.scheduleCreateCmd(), a.scheduleListCmd(), a.scheduleDescribeCmd(),
		a.schedulePauseCmd(true), a.schedulePauseCmd(false), a.scheduleTriggerCmd(),
		a.scheduleBackfillCmd(), a.scheduleDeleteCmd())
	return cmd
}

// withSchedules dials Temporal for one command and hands over the helpers.
func (a *app) withSchedules(ctx context.Context, run func(platform.Schedules) error) error {
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	return a.withTemporal(ctx, func(c client.Client) error {
		return run(platform.Schedules{Client: c, Catalog: cat})
	})
}

func scheduleScopeFlag(cmd *cobra.Command, scope *string) {
	cmd.Flags().StringVar(scope, "scope", "", "scope whose schedule this is (required)")
	_ = cmd.MarkFlagRequired("scope")
}

func (a *app) scheduleCreateCmd() *cobra.Command {
	var scope string
	var o platform.ScheduleOptions
	cmd := &cobra.Command{
		Use:   "create --scope S [--overlap skip] [--catchup-window 1h] [--paused] [--note TEXT]",
		Short: "Create the scope's schedule from its calendar",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withSchedules(cmd.Context(), func(s platform.Schedules) error {
				if err := s.Create(cmd.Context(), scope, o); err != nil {
					return err
				}
				d, err := s.Describe(cmd.Context(), scope)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "created %s: %s\n", d.ID, d.Spec)
				return nil
			})
		},
	}
	scheduleScopeFlag(cmd, &scope)
	f := cmd.Flags()
	f.StringVar(&o.Overlap, "overlap", "skip", "when a run is due while the last still runs: skip, buffer_one, buffer_all, cancel_other, terminate_other or allow_all")
	f.DurationVar(&o.CatchupWindow, "catchup-window", platform.DefaultCatchupWindow, "how late a run missed during an outage is still taken")
	f.BoolVar(&o.Paused, "paused", false, "create the schedule paused")
	f.StringVar(&o.Note, "note", "", "note shown with the schedule")
	return cmd
}

func (a *app) scheduleListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the scope schedules",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withSchedules(cmd.Context(), func(s platform.Schedules) error {
				list, err := s.List(cmd.Context())
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "SCOPE\tSTATE\tFIRES\tNEXT\tLAST\tNOTE")
				for _, e := range list {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Scope, scheduleState(e.Paused), e.Spec, scheduleStamp(e.NextRun), scheduleStamp(e.LastRun), e.Note)
				}
				return tw.Flush()
			})
		},
	}
}

func (a *app) scheduleDescribeCmd() *cobra.Command {
	var scope string
	cmd := &cobra.Command{
		Use:   "describe --scope S",
		Short: "Show when the schedule fires, what it did lately and what it does next",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withSchedules(cmd.Context(), func(s platform.Schedules) error {
				d, err := s.Describe(cmd.Context(), scope)
				if err != nil {
					return err
				}
				var cal *calendar.Calendar
				if sc, err := s.Catalog.Scope(scope); err == nil {
					cal = &sc.Calendar
				}
				cycleStatus := func(id string) string {
					desc, err := s.Client.DescribeWorkflowExecution(cmd.Context(), id, "")
					if err != nil {
						return "not found"
					}
					return statusWord(desc.GetWorkflowExecutionInfo().GetStatus())
				}
				printSchedule(cmd.OutOrStdout(), d, cal, cycleStatus)
				return nil
			})
		},
	}
	scheduleScopeFlag(cmd, &scope)
	return cmd
}

// printSchedule shows each recent run with the status of the cycle it
// settles, so an operator sees at a glance which periods are done.
func printSchedule(out io.Writer, d platform.ScheduleDetails, cal *calendar.Calendar, cycleStatus func(id string) string) {
	fmt.Fprintf(out, "schedule    %s (scope %s)\n", d.ID, d.Scope)
	fmt.Fprintf(out, "fires       %s\n", d.Spec)
	switch {
	case !d.ScopeConfigured:
		fmt.Fprintf(out, "            ! scope %s is no longer configured; its runs will fail\n", d.Scope)
	case d.CalendarSpec != d.Spec:
		fmt.Fprintf(out, "            ! the scope's calendar now says %s; delete and create the schedule again\n", d.CalendarSpec)
	}
	fmt.Fprintf(out, "state       %s\n", scheduleState(d.Paused))
	if d.Note != "" {
		fmt.Fprintf(out, "note        %s\n", d.Note)
	}
	fmt.Fprintf(out, "overlap     %s; catch-up window %s\n", d.Overlap, d.CatchupWindow)
	fmt.Fprintf(out, "actions     %d taken, %d skipped for overlap, %d missed the catch-up window\n", d.Actions, d.SkippedOverlap, d.MissedCatchup)
	for i, t := range d.NextRuns {
		if i == 3 {
			break
		}
		fmt.Fprintf(out, "%-12s%s%s\n", scheduleLabel(i, "next"), scheduleStamp(t), scheduleSettles(d.Scope, cal, t))
	}
	for i, r := range d.Recent {
		run := ""
		if r.StartWorkflowResult != nil {
			run = "  run " + r.StartWorkflowResult.WorkflowID
		}
		settled := ""
		if cal != nil {
			id := workflows.WorkflowID(d.Scope, cal.Key(cal.PeriodEndingAt(r.ScheduleTime)))
			settled = fmt.Sprintf("  settles %s (%s)", id, cycleStatus(id))
		}
		fmt.Fprintf(out, "%-12s%s (taken %s)%s%s\n", scheduleLabel(i, "recent"), scheduleStamp(r.ScheduleTime), scheduleStamp(r.ActualTime), settled, run)
	}
	for i, id := range d.Running {
		fmt.Fprintf(out, "%-12s%s\n", scheduleLabel(i, "running"), id)
	}
}

func scheduleLabel(i int, name string) string {
	if i == 0 {
		return name
	}
	return ""
}

// settles names the cycle a run at nominal time t settles.
func scheduleSettles(scope string, cal *calendar.Calendar, t time.Time) string {
	if cal == nil {
		return ""
	}
	return "  settles " + workflows.WorkflowID(scope, cal.Key(cal.PeriodEndingAt(t)))
}

func (a *app) schedulePauseCmd(pause bool) *cobra.Command {
	var scope, note string
	use, short := "unpause", "Let the schedule fire again (missed runs are not taken; backfill them)"
	if pause {
		use, short = "pause", "Stop the schedule from firing"
	}
	cmd := &cobra.Command{
		Use:   use + " --scope S [--note TEXT]",
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withSchedules(cmd.Context(), func(s platform.Schedules) error {
				var err error
				if pause {
					err = s.Pause(cmd.Context(), scope, note)
				} else {
					err = s.Unpause(cmd.Context(), scope, note)
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s %sd\n", platform.ScheduleID(scope), use)
				return nil
			})
		},
	}
	scheduleScopeFlag(cmd, &scope)
	cmd.Flags().StringVar(&note, "note", "", "why, for the next operator")
	return cmd
}

func (a *app) scheduleTriggerCmd() *cobra.Command {
	var scope string
	cmd := &cobra.Command{
		Use:   "trigger --scope S",
		Short: "Run the schedule now: settle the latest period that has ended",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withSchedules(cmd.Context(), func(s platform.Schedules) error {
				if err := s.Trigger(cmd.Context(), scope); err != nil {
					return err
				}
				sc, _ := s.Catalog.Scope(scope)
				p := sc.Calendar.PeriodEndingAt(time.Now())
				fmt.Fprintf(cmd.OutOrStdout(), "triggered %s; it settles %s unless that period is settled already\n",
					platform.ScheduleID(scope), workflows.WorkflowID(scope, sc.Calendar.Key(p)))
				return nil
			})
		},
	}
	scheduleScopeFlag(cmd, &scope)
	return cmd
}

func (a *app) scheduleBackfillCmd() *cobra.Command {
	var scope, from, to string
	cmd := &cobra.Command{
		Use:   "backfill --scope S --from PERIOD --to PERIOD",
		Short: "Settle past periods from..to (both included) through the schedule",
		Long: `Periods are named as the scope's calendar names them (2026-11-01 for daily and
weekly scopes, 2026-11 for monthly ones). Periods already settled or being
settled are left alone; the rest settle side by side.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withSchedules(cmd.Context(), func(s platform.Schedules) error {
				keys, err := s.Backfill(cmd.Context(), scope, from, to)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "backfilling %d period(s) of %s: %v\n", len(keys), scope, keys)
				return nil
			})
		},
	}
	scheduleScopeFlag(cmd, &scope)
	cmd.Flags().StringVar(&from, "from", "", "first period to settle (required)")
	cmd.Flags().StringVar(&to, "to", "", "last period to settle (required)")
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

func (a *app) scheduleDeleteCmd() *cobra.Command {
	var scope string
	cmd := &cobra.Command{
		Use:   "delete --scope S",
		Short: "Delete the schedule; cycles it started keep running",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withSchedules(cmd.Context(), func(s platform.Schedules) error {
				if err := s.Delete(cmd.Context(), scope); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "deleted %s\n", platform.ScheduleID(scope))
				return nil
			})
		},
	}
	scheduleScopeFlag(cmd, &scope)
	return cmd
}

func scheduleState(paused bool) string {
	if paused {
		return "paused"
	}
	return "active"
}

func scheduleStamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

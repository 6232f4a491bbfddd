package platform

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/workflows"
)

// DefaultCatchupWindow bounds how late a missed run is still taken after an
// outage. Beyond it the run is dropped and the period must be backfilled,
// which an operator does knowingly.
const DefaultCatchupWindow = time.Hour

// ErrNoSchedule is wrapped by every error about a scope without a schedule.
var ErrNoSchedule = errors.New("schedule not found")

const schedulePrefix = "settle-"

// ScheduleID names the Temporal Schedule of a scope.
func ScheduleID(scope string) string { return schedulePrefix + scope }

var overlapNames = []struct {
	name   string
	policy enumspb.ScheduleOverlapPolicy
}{
	{"skip", enumspb.SCHEDULE_OVERLAP_POLICY_SKIP},
	{"buffer_one", enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE},
	{"buffer_all", enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL},
	{"cancel_other", enumspb.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER},
	{"terminate_other", enumspb.SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER},
	{"allow_all", enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL},
}

// ParseOverlap reads an overlap policy name; empty means skip.
func ParseOverlap(name string) (enumspb.ScheduleOverlapPolicy, error) {
	if name == "" {
		return enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, nil
	}
	known := make([]string, 0, len(overlapNames))
	for _, o := range overlapNames {
		if strings.EqualFold(name, o.name) {
			return o.policy, nil
		}
		known = append(known, o.name)
	}
	return 0, fmt.Errorf("unknown overlap policy %q (want one of %s)", name, strings.Join(known, ", "))
}

// OverlapName is the name ParseOverlap reads back; unspecified is skip,
// as the server treats it.
func OverlapName(p enumspb.ScheduleOverlapPolicy) string {
	for _, o := range overlapNames {
		if o.policy == p {
			return o.name
		}
	}
	return "skip"
}

// ScheduleOptions shape a scope's schedule.
type ScheduleOptions struct {
	Overlap       string        // a ParseOverlap name; empty is skip
	CatchupWindow time.Duration // zero is DefaultCatchupWindow
	Paused        bool
	Note          string
	Tuning        workflows.Tuning // passed to every cycle the schedule starts
}

// Schedules manages the scope schedules of one namespace.
type Schedules struct {
	Client  client.Client
	Catalog catalog.Catalog
}

// Create makes the scope's schedule. It refuses to replace one, so options
// an operator set earlier are never overwritten by accident.
func (s Schedules) Create(ctx context.Context, scopeName string, o ScheduleOptions) error {
	sc, err := s.Catalog.Scope(scopeName)
	if err != nil {
		return err
	}
	overlap, err := ParseOverlap(o.Overlap)
	if err != nil {
		return err
	}
	window := o.CatchupWindow
	if window == 0 {
		window = DefaultCatchupWindow
	}
	if window < 0 {
		return fmt.Errorf("catch-up window %s is negative", window)
	}
	_, err = s.Client.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:   ScheduleID(sc.Name),
		Spec: ScopeScheduleSpec(sc),
		Action: &client.ScheduleWorkflowAction{
			ID:        "scheduled/" + sc.Name,
			Workflow:  workflows.ScheduledCycle,
			Args:      []any{workflows.ScheduledInput{Scope: sc.Name, Tuning: o.Tuning}},
			TaskQueue: workflows.TaskQueue,
		},
		Overlap: overlap, CatchupWindow: window, Paused: o.Paused, Note: o.Note,
	})
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return fmt.Errorf("scope %s already has schedule %s; delete it first to change it", sc.Name, ScheduleID(sc.Name))
	}
	if err != nil {
		return fmt.Errorf("create schedule %s: %w", ScheduleID(sc.Name), err)
	}
	return nil
}

// ScheduleSummary is one line of List.
type ScheduleSummary struct {
	ID, Scope, Spec, Note string
	Paused                bool
	NextRun, LastRun      time.Time // zero when none
}

// List returns settleflow's schedules in the namespace, by ID. Listing is
// eventually consistent: a schedule created a moment ago may be missing.
func (s Schedules) List(ctx context.Context) ([]ScheduleSummary, error) {
	it, err := s.Client.ScheduleClient().List(ctx, client.ScheduleListOptions{PageSize: 200})
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	var out []ScheduleSummary
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("list schedules: %w", err)
		}
		if !strings.HasPrefix(e.ID, schedulePrefix) {
			continue
		}
		sum := ScheduleSummary{ID: e.ID, Scope: strings.TrimPrefix(e.ID, schedulePrefix), Spec: SpecWords(e.Spec), Note: e.Note, Paused: e.Paused}
		if len(e.NextActionTimes) > 0 {
			sum.NextRun = e.NextActionTimes[0]
		}
		if n := len(e.RecentActions); n > 0 {
			sum.LastRun = e.RecentActions[n-1].ScheduleTime
		}
		out = append(out, sum)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ScheduleDetails is what Describe shows an operator.
type ScheduleDetails struct {
	ID, Scope string
	Spec      string // in words, from the server's copy
	// CalendarSpec is the scope calendar's spec in words; it differs from
	// Spec when the config changed after the schedule was created.
	CalendarSpec    string
	Overlap         string
	CatchupWindow   time.Duration
	Paused          bool
	Note            string
	NextRuns        []time.Time
	Recent          []client.ScheduleActionResult
	Running         []string
	Actions         int
	SkippedOverlap  int
	MissedCatchup   int
	CreatedAt       time.Time
	LastUpdatedAt   time.Time
	ScopeConfigured bool
}

// Describe reads the scope's schedule from the server.
func (s Schedules) Describe(ctx context.Context, scope string) (ScheduleDetails, error) {
	desc, err := s.handle(ctx, scope).Describe(ctx)
	if err != nil {
		return ScheduleDetails{}, s.wrap(scope, "describe", err)
	}
	d := ScheduleDetails{ID: ScheduleID(scope), Scope: scope, Spec: SpecWords(desc.Schedule.Spec),
		Recent: desc.Info.RecentActions, NextRuns: desc.Info.NextActionTimes, Actions: desc.Info.NumActions,
		SkippedOverlap: desc.Info.NumActionsSkippedOverlap, MissedCatchup: desc.Info.NumActionsMissedCatchupWindow,
		CreatedAt: desc.Info.CreatedAt, LastUpdatedAt: desc.Info.LastUpdateAt}
	if sc, err := s.Catalog.Scope(scope); err == nil {
		spec := ScopeScheduleSpec(sc)
		d.CalendarSpec, d.ScopeConfigured = SpecWords(&spec), true
	}
	if p := desc.Schedule.Policy; p != nil {
		d.Overlap, d.CatchupWindow = OverlapName(p.Overlap), p.CatchupWindow
	}
	if st := desc.Schedule.State; st != nil {
		d.Paused, d.Note = st.Paused, st.Note
	}
	for _, w := range desc.Info.RunningWorkflows {
		d.Running = append(d.Running, w.WorkflowID)
	}
	return d, nil
}

// Pause stops the schedule from firing; note says why, for the next operator.
func (s Schedules) Pause(ctx context.Context, scope, note string) error {
	return s.wrap(scope, "pause", s.handle(ctx, scope).Pause(ctx, client.SchedulePauseOptions{Note: note}))
}

// Unpause lets the schedule fire again. Runs missed while paused are not
// taken; backfill them.
func (s Schedules) Unpause(ctx context.Context, scope, note string) error {
	return s.wrap(scope, "unpause", s.handle(ctx, scope).Unpause(ctx, client.ScheduleUnpauseOptions{Note: note}))
}

// Trigger runs the schedule now, settling the latest period that has ended.
// It allows overlap so a manual run is never silently skipped behind a
// long-running one; the cycle's workflow ID still keeps each period single.
func (s Schedules) Trigger(ctx context.Context, scope string) error {
	if _, err := s.Catalog.Scope(scope); err != nil {
		return err
	}
	err := s.handle(ctx, scope).Trigger(ctx, client.ScheduleTriggerOptions{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL})
	return s.wrap(scope, "trigger", err)
}

// Backfill settles the periods from..to, both included and named as the
// scope's calendar names them, and returns their keys. The run settling a
// period P is nominally at P.End, so the range asked of Temporal is the
// first and last period's ends widened by a margin far shorter than any
// period: exactly those ends fall inside.
func (s Schedules) Backfill(ctx context.Context, scope, from, to string) ([]string, error) {
	sc, err := s.Catalog.Scope(scope)
	if err != nil {
		return nil, err
	}
	cal := sc.Calendar
	first, err := cal.Parse(from)
	if err != nil {
		return nil, fmt.Errorf("scope %s: --from: %w", scope, err)
	}
	last, err := cal.Parse(to)
	if err != nil {
		return nil, fmt.Errorf("scope %s: --to: %w", scope, err)
	}
	if last.Start.Before(first.Start) {
		return nil, fmt.Errorf("scope %s: backfill from %s to %s runs backwards", scope, cal.Key(first), cal.Key(last))
	}
	if now := time.Now(); last.End.After(now) {
		return nil, fmt.Errorf("scope %s: period %s has not ended yet (it ends %s); backfill only ended periods",
			scope, cal.Key(last), last.End.UTC().Format(time.RFC3339))
	}
	var keys []string
	for p := first; !p.Start.After(last.Start); p = cal.Next(p) {
		keys = append(keys, cal.Key(p))
	}
	const margin = time.Minute
	err = s.handle(ctx, scope).Backfill(ctx, client.ScheduleBackfillOptions{Backfill: []client.ScheduleBackfill{{
		Start: first.End.Add(-margin), End: last.End.Add(margin),
		// Different periods may settle side by side; the same period cannot.
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL,
	}}})
	if err != nil {
		return nil, s.wrap(scope, "backfill", err)
	}
	return keys, nil
}

// Delete removes the schedule. Cycles it started keep running.
func (s Schedules) Delete(ctx context.Context, scope string) error {
	return s.wrap(scope, "delete", s.handle(ctx, scope).Delete(ctx))
}

func (s Schedules) handle(ctx context.Context, scope string) client.ScheduleHandle {
	return s.Client.ScheduleClient().GetHandle(ctx, ScheduleID(scope))
}

// wrap turns the server's bare "not found" into what to do about it.
func (s Schedules) wrap(scope, op string, err error) error {
	if err == nil {
		return nil
	}
	var notFound *serviceerror.NotFound
	if !errors.As(err, &notFound) {
		return fmt.Errorf("%s schedule %s: %w", op, ScheduleID(scope), err)
	}
	if _, serr := s.Catalog.Scope(scope); serr != nil {
		return fmt.Errorf("%w; %w: no %s", serr, ErrNoSchedule, ScheduleID(scope))
	}
	return fmt.Errorf("%w: scope %s has no schedule %s; create it with `settleflow schedule create --scope %s`",
		ErrNoSchedule, scope, ScheduleID(scope), scope)
}

package schedule_test

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/calendar"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/workflows"
)

func mustCalendar(t *testing.T, freq, tz, cutoff, weekStart string) calendar.Calendar {
	t.Helper()
	cal, err := calendar.New(freq, tz, cutoff, weekStart)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func TestScheduleSpecShapes(t *testing.T) {
	daily := platform.ScheduleSpec(mustCalendar(t, "daily", "Asia/Seoul", "00:00", ""))
	if daily.TimeZoneName != "Asia/Seoul" || len(daily.Calendars) != 1 {
		t.Fatalf("daily spec = %+v", daily)
	}
	c := daily.Calendars[0]
	if c.Hour[0].Start != 0 || c.Minute[0].Start != 0 || c.Second[0].Start != 0 {
		t.Errorf("daily spec fires at %v:%v:%v, want 00:00:00", c.Hour, c.Minute, c.Second)
	}
	cases := []struct {
		cal  calendar.Calendar
		want string
	}{
		{mustCalendar(t, "daily", "Asia/Seoul", "00:00", ""), "every day at 00:00 (Asia/Seoul)"},
		{mustCalendar(t, "weekly", "Europe/Berlin", "06:30", "sunday"), "every Sunday at 06:30 (Europe/Berlin)"},
		{mustCalendar(t, "monthly", "UTC", "00:00", ""), "on day 1 of every month at 00:00 (UTC)"},
	}
	for _, tc := range cases {
		spec := platform.ScheduleSpec(tc.cal)
		if got := platform.SpecWords(&spec); got != tc.want {
			t.Errorf("%s spec reads %q, want %q", tc.cal.Frequency, got, tc.want)
		}
	}
}

// TestScheduleSpecFiresAtCutoffs asks the server itself when each spec
// fires: every time must be the end of one calendar period and the start of
// the next, and consecutive times must be consecutive periods.
func TestScheduleSpecFiresAtCutoffs(t *testing.T) {
	t.Parallel()
	c, _ := server.NewNamespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cals := map[string]calendar.Calendar{
		"daily":   mustCalendar(t, "daily", "Asia/Seoul", "00:00", ""),
		"weekly":  mustCalendar(t, "weekly", "America/New_York", "06:00", "monday"),
		"monthly": mustCalendar(t, "monthly", "Asia/Seoul", "00:00", ""),
	}
	for name, cal := range cals {
		_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
			ID: "spec-" + name, Spec: platform.ScheduleSpec(cal), Paused: true,
			Action: &client.ScheduleWorkflowAction{ID: "spec-" + name, Workflow: workflows.ScheduledCycle,
				Args: []any{workflows.ScheduledInput{Scope: "none"}}, TaskQueue: workflows.TaskQueue},
		})
		if err != nil {
			t.Fatalf("create %s schedule: %v", name, err)
		}
		desc, err := c.ScheduleClient().GetHandle(ctx, "spec-"+name).Describe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		next := desc.Info.NextActionTimes
		if len(next) < 3 {
			t.Fatalf("%s: only %d next action times", name, len(next))
		}
		for i, at := range next {
			p := cal.PeriodEndingAt(at)
			if !p.End.Equal(at) {
				t.Errorf("%s: fires at %s, which is not a cut-off (period %s)", name, at.UTC(), p)
			}
			if i > 0 && !cal.Prev(p).End.Equal(next[i-1]) {
				t.Errorf("%s: %s follows %s, skipping a period", name, at.UTC(), next[i-1].UTC())
			}
			if name != "weekly" && (at.UTC().Hour() != 15 || at.UTC().Minute() != 0) {
				t.Errorf("%s: 00:00 Asia/Seoul fires at %s, want 15:00Z", name, at.UTC())
			}
		}
		for _, at := range next {
			local := at.In(cal.Location)
			switch name {
			case "weekly":
				if local.Weekday() != time.Monday || local.Hour() != 6 {
					t.Errorf("weekly fires %s, want Monday 06:00 New York", local)
				}
			case "monthly":
				if local.Day() != 1 {
					t.Errorf("monthly fires %s, want the 1st", local)
				}
			}
		}
	}
}

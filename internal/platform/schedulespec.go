package platform

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/calendar"
	"github.com/settleflow/settleflow/internal/scope"
)

// ScheduleSpec fires at the calendar's cut-off in the scope's own time zone,
// once at the end of every period: daily every day, weekly on the first day
// of the week, monthly on the 1st. Temporal matches wall-clock times
// literally, so a cut-off inside a DST gap does not fire that day.
func ScheduleSpec(cal calendar.Calendar) client.ScheduleSpec {
	return scheduleSpecAfter(cal, 0)
}

// ScopeScheduleSpec fires once the scope's late-data grace has passed after
// each cut-off: the earliest time each period may be settled.
func ScopeScheduleSpec(sc scope.Scope) client.ScheduleSpec {
	return scheduleSpecAfter(sc.Calendar, sc.Intake.LateDataGrace)
}

// scheduleSpecAfter fires after, a whole number of minutes, past each
// period's cut-off; past midnight it fires that many days later.
func scheduleSpecAfter(cal calendar.Calendar, after time.Duration) client.ScheduleSpec {
	one := func(v int) []client.ScheduleRange { return []client.ScheduleRange{{Start: v}} }
	at := cal.Cutoff + after
	days, at := int(at/(24*time.Hour)), at%(24*time.Hour)
	spec := client.ScheduleCalendarSpec{
		Second:     one(0),
		Minute:     one(int(at % time.Hour / time.Minute)),
		Hour:       one(int(at / time.Hour)),
		DayOfMonth: []client.ScheduleRange{{Start: 1, End: 31}},
		Month:      []client.ScheduleRange{{Start: 1, End: 12}},
		DayOfWeek:  []client.ScheduleRange{{Start: 0, End: 6}},
		Comment:    fmt.Sprintf("cut-off of each %s period", cal.Frequency),
	}
	if after > 0 {
		spec.Comment += fmt.Sprintf(" plus a late-data grace of %s", after)
	}
	switch cal.Frequency {
	case calendar.Weekly:
		spec.DayOfWeek = one((int(cal.WeekStart) + days) % 7)
	case calendar.Monthly:
		spec.DayOfMonth = one(1 + days)
	}
	tz := "UTC"
	if cal.Location != nil {
		tz = cal.Location.String()
	}
	return client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{spec}, TimeZoneName: tz}
}

// SpecWords renders a schedule spec for a person, e.g. "every Monday at
// 00:00 (Asia/Seoul)". Two specs with the same words fire at the same times.
func SpecWords(spec *client.ScheduleSpec) string {
	if spec == nil {
		return "never"
	}
	var parts []string
	for _, c := range spec.Calendars {
		parts = append(parts, calendarWords(c))
	}
	for _, iv := range spec.Intervals {
		parts = append(parts, "every "+iv.Every.String())
	}
	parts = append(parts, spec.CronExpressions...)
	if len(parts) == 0 {
		return "never"
	}
	tz := spec.TimeZoneName
	if tz == "" {
		tz = "UTC"
	}
	return strings.Join(parts, "; ") + " (" + tz + ")"
}

func calendarWords(c client.ScheduleCalendarSpec) string {
	days := "every day"
	dow, dom := values(c.DayOfWeek, 0, 6), values(c.DayOfMonth, 1, 31)
	switch {
	case dow != nil && dom != nil:
		days = "on day " + join(dom, strconv.Itoa) + " of the month when a " + join(dow, weekday)
	case dow != nil:
		days = "every " + join(dow, weekday)
	case dom != nil:
		days = "on day " + join(dom, strconv.Itoa) + " of every month"
	}
	if months := values(c.Month, 1, 12); months != nil {
		days += " in " + join(months, func(m int) string { return time.Month(m).String() })
	}
	var times []string
	for _, h := range orZero(values(c.Hour, 0, -1)) {
		for _, m := range orZero(values(c.Minute, 0, -1)) {
			for _, s := range orZero(values(c.Second, 0, -1)) {
				t := fmt.Sprintf("%02d:%02d", h, m)
				if s != 0 {
					t += fmt.Sprintf(":%02d", s)
				}
				times = append(times, t)
			}
		}
	}
	if len(c.Year) > 0 {
		days += " in " + join(values(c.Year, 0, -1), strconv.Itoa)
	}
	return days + " at " + strings.Join(times, ", ")
}

// values expands ranges; nil means every value from lo to hi, which is also
// what an empty list means for the day and month fields.
func values(rs []client.ScheduleRange, lo, hi int) []int {
	var out []int
	for _, r := range rs {
		end, step := r.End, r.Step
		if end < r.Start {
			end = r.Start
		}
		if step <= 0 {
			step = 1
		}
		for v := r.Start; v <= end; v += step {
			out = append(out, v)
		}
	}
	if hi >= lo && (len(out) == 0 || isFull(out, lo, hi)) {
		return nil
	}
	return out
}

func isFull(vs []int, lo, hi int) bool {
	seen := map[int]bool{}
	for _, v := range vs {
		seen[v] = true
	}
	for v := lo; v <= hi; v++ {
		if !seen[v] {
			return false
		}
	}
	return true
}

// orZero applies the SDK's default for an empty time-of-day field.
func orZero(vs []int) []int {
	if len(vs) == 0 {
		return []int{0}
	}
	return vs
}

func weekday(d int) string { return time.Weekday(d % 7).String() }

func join(vs []int, name func(int) string) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = name(v)
	}
	return strings.Join(s, ", ")
}

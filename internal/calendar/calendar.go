// Package calendar turns a scope's settlement calendar (frequency, time zone,
// cut-off) into concrete periods: half-open UTC intervals [Start, End).
//
// Boundaries are always computed from local calendar dates with time.Date,
// never by adding 24h, so a gaming day that spans a DST change is 23 or 25
// hours long, exactly as the operator's books see it.
package calendar

import (
	"fmt"
	"strings"
	"time"
)

// Frequency is how often a scope is settled.
type Frequency string

const (
	Daily   Frequency = "daily"
	Weekly  Frequency = "weekly"
	Monthly Frequency = "monthly"
)

// Calendar describes where a scope's periods begin and end.
type Calendar struct {
	Frequency Frequency
	// Location is the scope's local time zone; nil is treated as UTC.
	Location *time.Location
	// Cutoff is the local wall-clock time, as an offset from local midnight,
	// at which one gaming day ends and the next begins (e.g. 0 or 6h).
	// It is applied as hours and minutes on the wall clock, not as elapsed
	// time, so a 06:00 cut-off stays at 06:00 on a DST change day.
	Cutoff time.Duration
	// WeekStart is the first day of a weekly period; weekly only.
	WeekStart time.Weekday
}

// New builds a Calendar from configuration strings. cutoff is "HH:MM"
// (empty means "00:00"); weekStart is a weekday name such as "monday" and
// may only be given for weekly calendars (empty means Monday).
func New(freq, tz, cutoff, weekStart string) (Calendar, error) {
	var c Calendar
	switch f := Frequency(strings.ToLower(strings.TrimSpace(freq))); f {
	case Daily, Weekly, Monthly:
		c.Frequency = f
	default:
		return Calendar{}, fmt.Errorf("calendar: unknown frequency %q (want daily, weekly or monthly)", freq)
	}

	loc, err := loadLocation(tz)
	if err != nil {
		return Calendar{}, err
	}
	c.Location = loc

	if cutoff == "" {
		cutoff = "00:00"
	}
	if c.Cutoff, err = parseCutoff(cutoff); err != nil {
		return Calendar{}, err
	}

	c.WeekStart = time.Monday
	if weekStart != "" {
		if c.Frequency != Weekly {
			// Silently ignoring it would hide a config that was meant to be weekly.
			return Calendar{}, fmt.Errorf("calendar: week start %q given for a %s calendar; it applies only to weekly", weekStart, c.Frequency)
		}
		if c.WeekStart, err = parseWeekday(weekStart); err != nil {
			return Calendar{}, err
		}
	}
	return c, nil
}

func loadLocation(tz string) (*time.Location, error) {
	// time.LoadLocation maps "" to UTC and "Local" to the host's zone; both
	// would make a scope's gaming day depend on where the worker happens to run.
	switch tz {
	case "":
		return nil, fmt.Errorf("calendar: time zone is required (e.g. \"Asia/Seoul\" or \"UTC\")")
	case "Local":
		return nil, fmt.Errorf("calendar: time zone %q depends on the host; name an IANA zone instead", tz)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("calendar: unknown time zone %q: %w", tz, err)
	}
	return loc, nil
}

func parseCutoff(s string) (time.Duration, error) {
	bad := fmt.Errorf("calendar: cut-off %q is not a local time \"HH:MM\" between 00:00 and 23:59", s)
	if len(s) != 5 || s[2] != ':' {
		return 0, bad
	}
	h, okH := twoDigits(s[0:2])
	m, okM := twoDigits(s[3:5])
	if !okH || !okM || h > 23 || m > 59 {
		return 0, bad
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

func twoDigits(s string) (int, bool) {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

func parseWeekday(s string) (time.Weekday, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	for d := time.Sunday; d <= time.Saturday; d++ {
		full := strings.ToLower(d.String())
		if name == full || name == full[:3] {
			return d, nil
		}
	}
	return 0, fmt.Errorf("calendar: unknown week start %q (want a weekday name such as \"monday\")", s)
}

// Period is a half-open interval [Start, End) in UTC.
type Period struct {
	Start, End time.Time
}

// Contains reports whether t falls in [Start, End).
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.Start) && t.Before(p.End)
}

// String renders the period as an RFC 3339 interval "start/end" in UTC, the
// same form Calendar.Parse accepts back.
func (p Period) String() string {
	return p.Start.UTC().Format(time.RFC3339) + "/" + p.End.UTC().Format(time.RFC3339)
}

func (c Calendar) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// civil dates are carried as UTC midnights so AddDate and Weekday behave as
// plain calendar arithmetic with no zone involved.
func civil(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// boundary is the instant the gaming day named by business date d begins:
// d's local cut-off wall-clock time.
func (c Calendar) boundary(d time.Time) time.Time {
	h := int(c.Cutoff / time.Hour)
	m := int(c.Cutoff % time.Hour / time.Minute)
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, c.loc()).UTC()
}

// businessDate is the local date of the gaming day containing t. A gaming day
// is named after the local date on which it starts.
func (c Calendar) businessDate(t time.Time) time.Time {
	lt := t.In(c.loc())
	d := civil(lt.Year(), lt.Month(), lt.Day())
	// The loops settle the odd cases (a cut-off inside a DST gap) without
	// assuming how far the wall clock and the date can drift apart.
	for t.Before(c.boundary(d)) {
		d = d.AddDate(0, 0, -1)
	}
	for !t.Before(c.boundary(d.AddDate(0, 0, 1))) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// periodOfDate is the period that contains business date d.
func (c Calendar) periodOfDate(d time.Time) Period {
	switch c.Frequency {
	case Daily:
		return Period{Start: c.boundary(d), End: c.boundary(d.AddDate(0, 0, 1))}
	case Weekly:
		first := d.AddDate(0, 0, -((int(d.Weekday()) - int(c.WeekStart) + 7) % 7))
		return Period{Start: c.boundary(first), End: c.boundary(first.AddDate(0, 0, 7))}
	case Monthly:
		first := civil(d.Year(), d.Month(), 1)
		return Period{Start: c.boundary(first), End: c.boundary(first.AddDate(0, 1, 0))}
	}
	// Only a Calendar built by hand can get here; guessing a frequency would
	// settle the wrong interval, so fail loudly.
	panic(fmt.Sprintf("calendar: unknown frequency %q", c.Frequency))
}

// PeriodContaining returns the period whose [Start, End) contains t.
func (c Calendar) PeriodContaining(t time.Time) Period {
	return c.periodOfDate(c.businessDate(t))
}

// PeriodEndingAt returns the period a scheduled run at nominal settles: the
// latest period that has ended at or before nominal. A run fired exactly at a
// cut-off settles the period that closed at that instant (the one containing
// nominal-1ns); a run scheduled a little after the cut-off, to let late
// records arrive, still settles that same closed period rather than the one
// that has only just begun.
func (c Calendar) PeriodEndingAt(nominal time.Time) Period {
	return c.Prev(c.PeriodContaining(nominal))
}

// Next returns the period immediately after p.
func (c Calendar) Next(p Period) Period {
	return c.PeriodContaining(p.End)
}

// Prev returns the period immediately before p.
func (c Calendar) Prev(p Period) Period {
	return c.PeriodContaining(p.Start.Add(-time.Nanosecond))
}

// Key names a period by the local business date it starts on: "YYYY-MM-DD"
// for daily and weekly (the week's first day), "YYYY-MM" for monthly. It is
// stable across time zones of the reader and short enough for workflow IDs.
func (c Calendar) Key(p Period) string {
	// Normalise through the containing period so a Start that is not exactly
	// on a boundary still yields the period's own name.
	first := c.businessDate(c.PeriodContaining(p.Start).Start)
	if c.Frequency == Monthly {
		return first.Format("2006-01")
	}
	return first.Format("2006-01-02")
}

// BusinessDates returns the local business dates a period covers, as UTC
// midnights [from, to): contracts are dated in business days, so terms
// that change "on 1 December" apply from the gaming day named 1 December,
// whatever instant that day starts at in UTC.
func (c Calendar) BusinessDates(p Period) (from, to time.Time) {
	return c.businessDate(p.Start), c.businessDate(p.End)
}

// Parse reads a period typed by a person: a business date "2006-01-02" (the
// period containing that date), a month "2006-01" (monthly calendars only),
// or an explicit RFC 3339 interval "start/end" that must match the
// calendar's boundaries exactly.
func (c Calendar) Parse(s string) (Period, error) {
	s = strings.TrimSpace(s)
	if start, end, ok := strings.Cut(s, "/"); ok {
		return c.parseInterval(s, start, end)
	}
	if d, err := time.Parse("2006-01-02", s); err == nil {
		return c.periodOfDate(d), nil
	}
	if m, err := time.Parse("2006-01", s); err == nil {
		if c.Frequency != Monthly {
			return Period{}, fmt.Errorf("calendar: period %q is a month but the calendar is %s; give a date such as %q",
				s, c.Frequency, m.Format("2006-01-02"))
		}
		return c.periodOfDate(m), nil
	}
	return Period{}, fmt.Errorf("calendar: cannot read period %q (want \"2006-01-02\", \"2006-01\" or \"<RFC3339>/<RFC3339>\")", s)
}

func (c Calendar) parseInterval(s, startS, endS string) (Period, error) {
	start, err := time.Parse(time.RFC3339Nano, startS)
	if err != nil {
		return Period{}, fmt.Errorf("calendar: period %q: start %q is not RFC 3339: %w", s, startS, err)
	}
	end, err := time.Parse(time.RFC3339Nano, endS)
	if err != nil {
		return Period{}, fmt.Errorf("calendar: period %q: end %q is not RFC 3339: %w", s, endS, err)
	}
	if !end.After(start) {
		return Period{}, fmt.Errorf("calendar: period %q: end is not after start", s)
	}
	p := Period{Start: start.UTC(), End: end.UTC()}
	aligned := c.PeriodContaining(p.Start)
	if !aligned.Start.Equal(p.Start) || !aligned.End.Equal(p.End) {
		// Settling a misaligned interval would double-count or drop records at
		// the edges, so refuse and show the interval the person likely meant.
		return Period{}, fmt.Errorf("calendar: period %q does not match the %s calendar boundaries; the period containing its start is %s (%s)",
			s, c.Frequency, aligned, c.Key(aligned))
	}
	return p, nil
}

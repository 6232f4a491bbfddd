package calendar

import (
	"strings"
	"testing"
	"time"
)

func mustNew(t *testing.T, freq, tz, cutoff, weekStart string) Calendar {
	t.Helper()
	c, err := New(freq, tz, cutoff, weekStart)
	if err != nil {
		t.Fatalf("New(%q, %q, %q, %q): %v", freq, tz, cutoff, weekStart, err)
	}
	return c
}

func utc(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("bad test time %q: %v", s, err)
	}
	return v.UTC()
}

func TestNew(t *testing.T) {
	tests := []struct {
		name                        string
		freq, tz, cutoff, weekStart string
		wantFreq                    Frequency
		wantCutoff                  time.Duration
		wantWeekStart               time.Weekday
		wantErr                     string
	}{
		{name: "daily defaults", freq: "daily", tz: "Asia/Seoul", wantFreq: Daily, wantWeekStart: time.Monday},
		{name: "cutoff 06:00", freq: "daily", tz: "UTC", cutoff: "06:00", wantFreq: Daily, wantCutoff: 6 * time.Hour, wantWeekStart: time.Monday},
		{name: "cutoff 23:59", freq: "monthly", tz: "UTC", cutoff: "23:59", wantFreq: Monthly, wantCutoff: 23*time.Hour + 59*time.Minute, wantWeekStart: time.Monday},
		{name: "weekly sunday", freq: "weekly", tz: "Europe/Berlin", weekStart: "Sunday", wantFreq: Weekly, wantWeekStart: time.Sunday},
		{name: "weekly abbreviation", freq: "Weekly", tz: "UTC", weekStart: "wed", wantFreq: Weekly, wantWeekStart: time.Wednesday},
		{name: "unknown frequency", freq: "hourly", tz: "UTC", wantErr: `unknown frequency "hourly"`},
		{name: "empty frequency", freq: "", tz: "UTC", wantErr: `unknown frequency ""`},
		{name: "unknown tz", freq: "daily", tz: "Mars/Olympus", wantErr: `unknown time zone "Mars/Olympus"`},
		{name: "empty tz", freq: "daily", tz: "", wantErr: "time zone is required"},
		{name: "host tz", freq: "daily", tz: "Local", wantErr: `time zone "Local"`},
		{name: "cutoff hour 24", freq: "daily", tz: "UTC", cutoff: "24:00", wantErr: `cut-off "24:00"`},
		{name: "cutoff minute 60", freq: "daily", tz: "UTC", cutoff: "06:60", wantErr: `cut-off "06:60"`},
		{name: "cutoff one digit", freq: "daily", tz: "UTC", cutoff: "6:00", wantErr: `cut-off "6:00"`},
		{name: "cutoff duration syntax", freq: "daily", tz: "UTC", cutoff: "6h00", wantErr: `cut-off "6h00"`},
		{name: "bad weekday", freq: "weekly", tz: "UTC", weekStart: "funday", wantErr: `unknown week start "funday"`},
		{name: "week start on daily", freq: "daily", tz: "UTC", weekStart: "monday", wantErr: `week start "monday" given for a daily calendar`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.freq, tt.tz, tt.cutoff, tt.weekStart)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if c.Frequency != tt.wantFreq || c.Cutoff != tt.wantCutoff || c.WeekStart != tt.wantWeekStart {
				t.Errorf("got %+v", c)
			}
			if c.Location == nil || c.Location.String() != tt.tz {
				t.Errorf("location = %v, want %s", c.Location, tt.tz)
			}
		})
	}
}

func TestPeriodContaining(t *testing.T) {
	tests := []struct {
		name                        string
		freq, tz, cutoff, weekStart string
		at                          string
		wantStart, wantEnd          string
		wantKey                     string
		wantHours                   float64
	}{
		{name: "seoul midnight", freq: "daily", tz: "Asia/Seoul", at: "2026-11-01T03:00:00Z",
			wantStart: "2026-10-31T15:00:00Z", wantEnd: "2026-11-01T15:00:00Z", wantKey: "2026-11-01", wantHours: 24},
		{name: "seoul exactly at start", freq: "daily", tz: "Asia/Seoul", at: "2026-10-31T15:00:00Z",
			wantStart: "2026-10-31T15:00:00Z", wantEnd: "2026-11-01T15:00:00Z", wantKey: "2026-11-01", wantHours: 24},
		{name: "seoul 1ns before end", freq: "daily", tz: "Asia/Seoul", at: "2026-11-01T14:59:59.999999999Z",
			wantStart: "2026-10-31T15:00:00Z", wantEnd: "2026-11-01T15:00:00Z", wantKey: "2026-11-01", wantHours: 24},
		{name: "seoul cutoff 06:00 after cutoff", freq: "daily", tz: "Asia/Seoul", cutoff: "06:00", at: "2026-11-01T00:00:00Z", // 09:00 KST
			wantStart: "2026-10-31T21:00:00Z", wantEnd: "2026-11-01T21:00:00Z", wantKey: "2026-11-01", wantHours: 24},
		{name: "seoul cutoff 06:00 small hours belong to previous day", freq: "daily", tz: "Asia/Seoul", cutoff: "06:00", at: "2026-11-01T19:30:00Z", // 04:30 KST Nov 2
			wantStart: "2026-10-31T21:00:00Z", wantEnd: "2026-11-01T21:00:00Z", wantKey: "2026-11-01", wantHours: 24},
		{name: "berlin spring forward 23h", freq: "daily", tz: "Europe/Berlin", at: "2026-03-29T12:00:00Z",
			wantStart: "2026-03-28T23:00:00Z", wantEnd: "2026-03-29T22:00:00Z", wantKey: "2026-03-29", wantHours: 23},
		{name: "berlin fall back 25h", freq: "daily", tz: "Europe/Berlin", at: "2026-10-25T12:00:00Z",
			wantStart: "2026-10-24T22:00:00Z", wantEnd: "2026-10-25T23:00:00Z", wantKey: "2026-10-25", wantHours: 25},
		{name: "berlin cutoff 06:00 day before spring forward", freq: "daily", tz: "Europe/Berlin", cutoff: "06:00", at: "2026-03-29T03:00:00Z", // 05:00 CEST
			wantStart: "2026-03-28T05:00:00Z", wantEnd: "2026-03-29T04:00:00Z", wantKey: "2026-03-28", wantHours: 23},
		{name: "berlin cutoff 06:00 day before fall back", freq: "daily", tz: "Europe/Berlin", cutoff: "06:00", at: "2026-10-25T04:30:00Z", // 05:30 CET
			wantStart: "2026-10-24T04:00:00Z", wantEnd: "2026-10-25T05:00:00Z", wantKey: "2026-10-24", wantHours: 25},
		{name: "new york fall back", freq: "daily", tz: "America/New_York", at: "2026-11-01T12:00:00Z",
			wantStart: "2026-11-01T04:00:00Z", wantEnd: "2026-11-02T05:00:00Z", wantKey: "2026-11-01", wantHours: 25},
		{name: "new york spring forward", freq: "daily", tz: "America/New_York", at: "2026-03-08T12:00:00Z",
			wantStart: "2026-03-08T05:00:00Z", wantEnd: "2026-03-09T04:00:00Z", wantKey: "2026-03-08", wantHours: 23},
		{name: "weekly monday start from sunday", freq: "weekly", tz: "Asia/Seoul", at: "2026-11-01T10:00:00Z", // Sun 19:00 KST
			wantStart: "2026-10-25T15:00:00Z", wantEnd: "2026-11-01T15:00:00Z", wantKey: "2026-10-26", wantHours: 168},
		{name: "weekly monday start on monday", freq: "weekly", tz: "Asia/Seoul", at: "2026-11-01T15:00:00Z", // Mon 00:00 KST
			wantStart: "2026-11-01T15:00:00Z", wantEnd: "2026-11-08T15:00:00Z", wantKey: "2026-11-02", wantHours: 168},
		{name: "weekly sunday start", freq: "weekly", tz: "UTC", weekStart: "sunday", at: "2026-11-04T10:00:00Z",
			wantStart: "2026-11-01T00:00:00Z", wantEnd: "2026-11-08T00:00:00Z", wantKey: "2026-11-01", wantHours: 168},
		{name: "weekly across berlin fall back", freq: "weekly", tz: "Europe/Berlin", at: "2026-10-25T12:00:00Z",
			wantStart: "2026-10-18T22:00:00Z", wantEnd: "2026-10-25T23:00:00Z", wantKey: "2026-10-19", wantHours: 169},
		{name: "monthly december", freq: "monthly", tz: "Asia/Seoul", at: "2026-12-31T14:59:59Z",
			wantStart: "2026-11-30T15:00:00Z", wantEnd: "2026-12-31T15:00:00Z", wantKey: "2026-12", wantHours: 31 * 24},
		{name: "monthly january via seoul offset", freq: "monthly", tz: "Asia/Seoul", at: "2026-12-31T15:00:00Z",
			wantStart: "2026-12-31T15:00:00Z", wantEnd: "2027-01-31T15:00:00Z", wantKey: "2027-01", wantHours: 31 * 24},
		{name: "monthly cutoff 06:00 first morning belongs to previous month", freq: "monthly", tz: "UTC", cutoff: "06:00", at: "2027-01-01T05:00:00Z",
			wantStart: "2026-12-01T06:00:00Z", wantEnd: "2027-01-01T06:00:00Z", wantKey: "2026-12", wantHours: 31 * 24},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustNew(t, tt.freq, tt.tz, tt.cutoff, tt.weekStart)
			at := utc(t, tt.at)
			p := c.PeriodContaining(at)
			if !p.Start.Equal(utc(t, tt.wantStart)) || !p.End.Equal(utc(t, tt.wantEnd)) {
				t.Fatalf("PeriodContaining(%s) = %s, want %s/%s", tt.at, p, tt.wantStart, tt.wantEnd)
			}
			if p.Start.Location() != time.UTC || p.End.Location() != time.UTC {
				t.Errorf("period not in UTC: %v / %v", p.Start.Location(), p.End.Location())
			}
			if !p.Contains(at) {
				t.Errorf("%s does not contain %s", p, tt.at)
			}
			if got := c.Key(p); got != tt.wantKey {
				t.Errorf("Key = %q, want %q", got, tt.wantKey)
			}
			if got := p.End.Sub(p.Start).Hours(); got != tt.wantHours {
				t.Errorf("length = %vh, want %vh", got, tt.wantHours)
			}
		})
	}
}

func TestPeriodEndingAt(t *testing.T) {
	tests := []struct {
		name, freq, tz, cutoff string
		nominal                string
		wantKey                string
	}{
		{name: "exactly at seoul midnight settles the day that just ended", freq: "daily", tz: "Asia/Seoul", nominal: "2026-11-01T15:00:00Z", wantKey: "2026-11-01"},
		{name: "a little after the cut-off still settles the ended day", freq: "daily", tz: "Asia/Seoul", nominal: "2026-11-01T15:05:00Z", wantKey: "2026-11-01"},
		{name: "1ns after the cut-off", freq: "daily", tz: "Asia/Seoul", nominal: "2026-11-01T15:00:00.000000001Z", wantKey: "2026-11-01"},
		{name: "exactly at 06:00 cut-off", freq: "daily", tz: "Asia/Seoul", cutoff: "06:00", nominal: "2026-11-01T21:00:00Z", wantKey: "2026-11-01"},
		{name: "exactly at berlin cut-off after fall back", freq: "daily", tz: "Europe/Berlin", nominal: "2026-10-25T23:00:00Z", wantKey: "2026-10-25"},
		{name: "monthly at new year", freq: "monthly", tz: "Asia/Seoul", nominal: "2026-12-31T15:00:00Z", wantKey: "2026-12"},
		{name: "weekly at monday midnight", freq: "weekly", tz: "UTC", nominal: "2026-11-09T00:00:00Z", wantKey: "2026-11-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustNew(t, tt.freq, tt.tz, tt.cutoff, "")
			nominal := utc(t, tt.nominal)
			p := c.PeriodEndingAt(nominal)
			if got := c.Key(p); got != tt.wantKey {
				t.Fatalf("PeriodEndingAt(%s) = %s key %q, want key %q", tt.nominal, p, got, tt.wantKey)
			}
			if p.End.After(nominal) {
				t.Errorf("period %s ends after nominal %s", p, tt.nominal)
			}
		})
	}
}

func TestBusinessDates(t *testing.T) {
	cal, err := New("daily", "Asia/Seoul", "00:00", "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := cal.Parse("2026-12-01")
	if err != nil {
		t.Fatal(err)
	}
	from, to := cal.BusinessDates(p)
	if !from.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) || !to.Equal(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("business dates of %s = %s..%s", p, from, to)
	}
	monthly, err := New("monthly", "Europe/Berlin", "06:00", "")
	if err != nil {
		t.Fatal(err)
	}
	p, err = monthly.Parse("2026-03")
	if err != nil {
		t.Fatal(err)
	}
	from, to = monthly.BusinessDates(p)
	if !from.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) || !to.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("business dates of %s = %s..%s", p, from, to)
	}
}

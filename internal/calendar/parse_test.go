package calendar

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, freq, tz, cutoff string
		in                     string
		want                   string // Period.String()
		wantErr                string
	}{
		{name: "seoul daily date", freq: "daily", tz: "Asia/Seoul", in: "2026-11-01",
			want: "2026-10-31T15:00:00Z/2026-11-01T15:00:00Z"},
		{name: "seoul daily date cutoff 06:00", freq: "daily", tz: "Asia/Seoul", cutoff: "06:00", in: "2026-11-01",
			want: "2026-10-31T21:00:00Z/2026-11-01T21:00:00Z"},
		{name: "berlin 23h day", freq: "daily", tz: "Europe/Berlin", in: "2026-03-29",
			want: "2026-03-28T23:00:00Z/2026-03-29T22:00:00Z"},
		{name: "berlin 25h day", freq: "daily", tz: "Europe/Berlin", in: "2026-10-25",
			want: "2026-10-24T22:00:00Z/2026-10-25T23:00:00Z"},
		{name: "weekly date mid-week", freq: "weekly", tz: "UTC", in: "2026-11-05",
			want: "2026-11-02T00:00:00Z/2026-11-09T00:00:00Z"},
		{name: "weekly date on sunday", freq: "weekly", tz: "UTC", in: "2026-11-01",
			want: "2026-10-26T00:00:00Z/2026-11-02T00:00:00Z"},
		{name: "monthly date", freq: "monthly", tz: "Asia/Seoul", in: "2026-11-17",
			want: "2026-10-31T15:00:00Z/2026-11-30T15:00:00Z"},
		{name: "monthly month", freq: "monthly", tz: "Asia/Seoul", in: "2026-12",
			want: "2026-11-30T15:00:00Z/2026-12-31T15:00:00Z"},
		{name: "surrounding spaces", freq: "daily", tz: "UTC", in: " 2026-11-01 ",
			want: "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"},
		{name: "explicit aligned", freq: "daily", tz: "Asia/Seoul", in: "2026-10-31T15:00:00Z/2026-11-01T15:00:00Z",
			want: "2026-10-31T15:00:00Z/2026-11-01T15:00:00Z"},
		{name: "explicit aligned with offsets", freq: "daily", tz: "Asia/Seoul", in: "2026-11-01T00:00:00+09:00/2026-11-02T00:00:00+09:00",
			want: "2026-10-31T15:00:00Z/2026-11-01T15:00:00Z"},
		{name: "explicit next gaming day", freq: "daily", tz: "Asia/Seoul", in: "2026-11-01T15:00:00Z/2026-11-02T15:00:00Z",
			want: "2026-11-01T15:00:00Z/2026-11-02T15:00:00Z"},
		{name: "explicit off by an hour", freq: "daily", tz: "Asia/Seoul", in: "2026-11-01T14:00:00Z/2026-11-02T14:00:00Z",
			wantErr: "the period containing its start is 2026-10-31T15:00:00Z/2026-11-01T15:00:00Z (2026-11-01)"},
		{name: "explicit two days", freq: "daily", tz: "UTC", in: "2026-11-01T00:00:00Z/2026-11-03T00:00:00Z",
			wantErr: "does not match the daily calendar boundaries"},
		{name: "explicit 24h across DST", freq: "daily", tz: "Europe/Berlin", in: "2026-10-24T22:00:00Z/2026-10-25T22:00:00Z",
			wantErr: "2026-10-24T22:00:00Z/2026-10-25T23:00:00Z (2026-10-25)"},
		{name: "explicit end before start", freq: "daily", tz: "UTC", in: "2026-11-02T00:00:00Z/2026-11-01T00:00:00Z",
			wantErr: "end is not after start"},
		{name: "explicit bad start", freq: "daily", tz: "UTC", in: "2026-11-01/2026-11-02T00:00:00Z",
			wantErr: `start "2026-11-01" is not RFC 3339`},
		{name: "explicit bad end", freq: "daily", tz: "UTC", in: "2026-11-01T00:00:00Z/tomorrow",
			wantErr: `end "tomorrow" is not RFC 3339`},
		{name: "month on daily", freq: "daily", tz: "UTC", in: "2026-11",
			wantErr: `period "2026-11" is a month but the calendar is daily`},
		{name: "month on weekly", freq: "weekly", tz: "UTC", in: "2026-11",
			wantErr: "calendar is weekly"},
		{name: "impossible date", freq: "daily", tz: "UTC", in: "2026-02-30",
			wantErr: `cannot read period "2026-02-30"`},
		{name: "garbage", freq: "daily", tz: "UTC", in: "yesterday",
			wantErr: `cannot read period "yesterday"`},
		{name: "empty", freq: "daily", tz: "UTC", in: "",
			wantErr: `cannot read period ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustNew(t, tt.freq, tt.tz, tt.cutoff, "")
			p, err := c.Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) err = %v, want containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got := p.String(); got != tt.want {
				t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestNextPrev(t *testing.T) {
	tests := []struct {
		name, freq, tz   string
		in               string
		wantPrev, wantNx string
	}{
		{name: "daily seoul", freq: "daily", tz: "Asia/Seoul", in: "2026-11-01", wantPrev: "2026-10-31", wantNx: "2026-11-02"},
		{name: "daily berlin across spring forward", freq: "daily", tz: "Europe/Berlin", in: "2026-03-29", wantPrev: "2026-03-28", wantNx: "2026-03-30"},
		{name: "daily year end", freq: "daily", tz: "America/New_York", in: "2026-12-31", wantPrev: "2026-12-30", wantNx: "2027-01-01"},
		{name: "weekly", freq: "weekly", tz: "UTC", in: "2026-11-02", wantPrev: "2026-10-26", wantNx: "2026-11-09"},
		{name: "monthly december to january", freq: "monthly", tz: "Asia/Seoul", in: "2026-12", wantPrev: "2026-11", wantNx: "2027-01"},
		{name: "monthly january to december", freq: "monthly", tz: "Europe/Berlin", in: "2027-01", wantPrev: "2026-12", wantNx: "2027-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustNew(t, tt.freq, tt.tz, "", "")
			p, err := c.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			prev, next := c.Prev(p), c.Next(p)
			if got := c.Key(prev); got != tt.wantPrev {
				t.Errorf("Prev key = %q, want %q", got, tt.wantPrev)
			}
			if got := c.Key(next); got != tt.wantNx {
				t.Errorf("Next key = %q, want %q", got, tt.wantNx)
			}
			if !prev.End.Equal(p.Start) || !next.Start.Equal(p.End) {
				t.Errorf("not contiguous: prev %s, p %s, next %s", prev, p, next)
			}
			if c.Next(prev) != p || c.Prev(next) != p {
				t.Errorf("Next/Prev do not invert each other around %s", p)
			}
		})
	}
}

// TestWalkYear checks, over every period of a year, the properties the saga
// relies on: periods tile time with no gap or overlap, keys are unique, and a
// key parses back to its own period. Odd cut-offs inside DST gaps are included
// because they are where date arithmetic usually goes wrong.
func TestWalkYear(t *testing.T) {
	zones := []string{"UTC", "Asia/Seoul", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"}
	cutoffs := []string{"00:00", "02:30", "06:00", "23:30"}
	for _, freq := range []string{"daily", "weekly", "monthly"} {
		for _, tz := range zones {
			for _, cutoff := range cutoffs {
				c := mustNew(t, freq, tz, cutoff, "")
				p := c.PeriodContaining(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
				seen := map[string]bool{}
				for p.Start.Year() <= 2026 {
					key := c.Key(p)
					if seen[key] {
						t.Fatalf("%s %s %s: duplicate key %q at %s", freq, tz, cutoff, key, p)
					}
					seen[key] = true
					if d := p.End.Sub(p.Start); d < 22*time.Hour {
						t.Fatalf("%s %s %s: period %s is only %v", freq, tz, cutoff, p, d)
					}
					back, err := c.Parse(key)
					if err != nil || back != p {
						t.Fatalf("%s %s %s: Parse(Key) = %s, %v; want %s", freq, tz, cutoff, back, err, p)
					}
					if got := c.PeriodContaining(p.End.Add(-time.Nanosecond)); got != p {
						t.Fatalf("%s %s %s: last instant of %s maps to %s", freq, tz, cutoff, p, got)
					}
					next := c.Next(p)
					if !next.Start.Equal(p.End) {
						t.Fatalf("%s %s %s: gap or overlap between %s and %s", freq, tz, cutoff, p, next)
					}
					p = next
				}
			}
		}
	}
}

func TestHandBuiltCalendar(t *testing.T) {
	// A zero Location means UTC, so a literal Calendar is usable in tests.
	c := Calendar{Frequency: Daily}
	p := c.PeriodContaining(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	if got := p.String(); got != "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z" {
		t.Fatalf("got %s", got)
	}

	defer func() {
		if recover() == nil {
			t.Fatal("unknown frequency did not panic")
		}
	}()
	Calendar{Frequency: "hourly"}.PeriodContaining(time.Now())
}

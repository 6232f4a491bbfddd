package agreement

import (
	"encoding/json"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, doc string) Agreement {
	t.Helper()
	a, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestInForce(t *testing.T) {
	a := mustParse(t, acme)
	tests := []struct {
		name       string
		start, end time.Time
		want       int
		wantErr    string
	}{
		{"first day of v1", date(2026, 1, 1), date(2026, 1, 2), 1, ""},
		{"month in v1", date(2026, 3, 1), date(2026, 4, 1), 1, ""},
		{"ends exactly at v2", date(2026, 11, 1), date(2026, 12, 1), 1, ""},
		{"starts exactly at v2", date(2026, 12, 1), date(2026, 12, 2), 2, ""},
		{"long after v2", date(2030, 1, 1), date(2030, 2, 1), 2, ""},
		{"straddles v2", date(2026, 11, 15), date(2026, 12, 15), 0, "version 2 takes effect 2026-12-01T00:00:00Z inside period"},
		{"one second over", date(2026, 11, 30), date(2026, 12, 1).Add(time.Second), 0, "inside period"},
		{"before v1", date(2025, 12, 1), date(2025, 12, 2), 0, "before version 1 takes effect 2026-01-01"},
		{"straddles v1 start", date(2025, 12, 31), date(2026, 1, 2), 0, "before version 1"},
		{"empty period", date(2026, 3, 1), date(2026, 3, 1), 0, "empty period"},
		{"reversed period", date(2026, 3, 2), date(2026, 3, 1), 0, "empty period"},
	}
	for _, tt := range tests {
		v, err := a.InForce(tt.start, tt.end)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if v.Number != tt.want {
			t.Errorf("%s: version %d, want %d", tt.name, v.Number, tt.want)
		}
	}
	if _, err := (Agreement{Partner: "x"}).InForce(date(2026, 1, 1), date(2026, 1, 2)); err == nil {
		t.Error("no versions: want error")
	}
}

// TestInForceProperty checks InForce against its definition on random
// agreements: success iff some version starts at or before start and no
// version starts in (start, end); the answer is the latest such version.
func TestInForceProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	base := date(2026, 1, 1)
	for range 3000 {
		var a Agreement
		day := 0
		count := rng.Intn(5) + 1
		for n := 1; n <= count; n++ {
			day += rng.Intn(60) + 1
			a.Versions = append(a.Versions, Version{Number: n * 10, EffectiveFrom: base.AddDate(0, 0, day)})
		}
		start := base.AddDate(0, 0, rng.Intn(day+30)).Add(time.Duration(rng.Intn(24)) * time.Hour)
		end := start.Add(time.Duration(rng.Intn(24*40)+1) * time.Hour)

		want, ok := -1, true
		for i, v := range a.Versions {
			if !v.EffectiveFrom.After(start) {
				want = i
			} else if v.EffectiveFrom.Before(end) {
				ok = false
			}
		}
		ok = ok && want >= 0
		got, err := a.InForce(start, end)
		if ok != (err == nil) {
			t.Fatalf("InForce(%s, %s) on %v: err = %v, want ok = %v", start, end, a.Versions, err, ok)
		}
		if ok && got.Number != a.Versions[want].Number {
			t.Fatalf("InForce(%s, %s) = %d, want %d", start, end, got.Number, a.Versions[want].Number)
		}
	}
}

func TestCovers(t *testing.T) {
	a := mustParse(t, acme)
	v1, v2 := a.Versions[0], a.Versions[1]
	for cur, want := range map[string]bool{"KRW": true, "USD": true, "EUR": true, "JPY": false, "usd": false} {
		if got := v1.Covers(cur); got != want {
			t.Errorf("v1.Covers(%q) = %v, want %v", cur, got, want)
		}
	}
	if !v2.Covers("JPY") {
		t.Error("v2 has no allow-list, must cover JPY")
	}
}

func TestVersionJSONRoundTrip(t *testing.T) {
	a := mustParse(t, acme)
	for _, v := range a.Versions {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var back Version
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("unmarshal %s: %v", b, err)
		}
		if !reflect.DeepEqual(back, v) {
			t.Errorf("round trip %+v → %s → %+v", v, b, back)
		}
	}
	// The frozen record's field names and value spellings are a stored
	// format; pin them.
	b, _ := json.Marshal(a.Versions[0])
	want := `{"number":1,"effective_from":"2026-01-01T00:00:00Z","fee_percent":"12.5%","rounding":"half_even","negative_ggr":"zero","currencies":["KRW","USD","EUR"]}`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
}

package scope

import (
	"testing"
	"time"
)

func TestParseAnomaliesAndRetention(t *testing.T) {
	s, err := Parse([]byte(minimal + `
anomalies:
  trailing_cycles: 5
  min_history: 2
  season_cycles: 7
  volume_change: 50%
  reject_rate_rise: "2.5"
retention:
  raw_records: 90d
  event_payloads: 36h
`))
	if err != nil {
		t.Fatal(err)
	}
	a := s.Anomalies
	if a.Trailing != 5 || a.MinHistory != 2 || a.Season != 7 || a.VolumeChange.String() != "50%" ||
		a.RejectRateRise.String() != "2.5%" || a.GGRChange != nil || a.DiscrepancyRateRise != nil {
		t.Errorf("anomalies = %+v", a)
	}
	want := Retention{RawRecords: 90 * 24 * time.Hour, EventPayloads: 36 * time.Hour}
	if s.Retention != want {
		t.Errorf("retention = %+v, want %+v (quarantine kept forever)", s.Retention, want)
	}
}

// Left out, nothing is checked and nothing expires.
func TestParseSectionsDefaults(t *testing.T) {
	s, err := Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if a := s.Anomalies; a.VolumeChange != nil || a.GGRChange != nil || a.RejectRateRise != nil || a.Trailing != 0 {
		t.Errorf("anomalies = %+v", a)
	}
	if s.Retention != (Retention{}) {
		t.Errorf("retention = %+v", s.Retention)
	}
}

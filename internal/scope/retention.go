package scope

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Retention is how long a scope keeps what is not the books, counted from
// the end of a cycle's period; zero keeps it forever. The books (journal,
// statements, the event log's chain) are kept forever whatever it says.
type Retention struct {
	// RawRecords are the records staged for the cycle.
	RawRecords time.Duration
	// Quarantine are the rejected records, raw bytes included.
	Quarantine time.Duration
	// EventPayloads are the payloads of the cycle's event log; the events
	// themselves, their actors, times and hashes stay.
	EventPayloads time.Duration
}

type retentionFile struct {
	RawRecords    *age `yaml:"raw_records"`
	Quarantine    *age `yaml:"quarantine"`
	EventPayloads *age `yaml:"event_payloads"`
}

func (f retentionFile) build() Retention {
	return Retention{RawRecords: f.RawRecords.duration(), Quarantine: f.Quarantine.duration(),
		EventPayloads: f.EventPayloads.duration()}
}

// age is a retention period: whole days ("90d") or a Go duration ("36h"),
// positive.
type age time.Duration

func (a *age) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want an age such as \"90d\"", n.Line)
	}
	d, err := parseAge(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*a = age(d)
	return nil
}

func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n > 100*366 {
			return 0, fmt.Errorf("%q is not a number of days such as \"90d\"", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q is neither days (\"90d\") nor a Go duration (\"36h\")", s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be positive; leave the key out to keep forever", s)
	}
	return d, nil
}

func (a *age) duration() time.Duration {
	if a == nil {
		return 0
	}
	return time.Duration(*a)
}

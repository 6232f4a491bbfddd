package scope

import (
	"fmt"
	"time"

	"github.com/settleflow/settleflow/internal/calendar"
)

// What a cycle does with a record in a currency its partner's agreement
// does not cover.
const (
	// UncoveredQuarantine quarantines each such record and settles the
	// rest.
	UncoveredQuarantine = "quarantine"
	// UncoveredBlock stops the cycle at split, naming the currency.
	UncoveredBlock = "block"
)

// Intake says when a period's data is complete enough to settle and what
// happens to records the agreements do not cover.
type Intake struct {
	// LateDataGrace is how long after a period's end its cycle may start:
	// partners deliver late records for a while after the cut-off.
	LateDataGrace time.Duration
	// UncoveredCurrency is UncoveredQuarantine or UncoveredBlock.
	UncoveredCurrency string
}

// intakeFile is the `intake:` section.
type intakeFile struct {
	LateDataGrace     *duration `yaml:"late_data_grace"`
	UncoveredCurrency string    `yaml:"uncovered_currency"`
}

func (f intakeFile) build(s *Scope) error {
	s.Intake = Intake{UncoveredCurrency: UncoveredQuarantine}
	if f.LateDataGrace != nil {
		s.Intake.LateDataGrace = time.Duration(*f.LateDataGrace)
	}
	g := s.Intake.LateDataGrace
	// Schedules fire at the cut-off plus the grace, on whole minutes, and
	// must fire before the next period ends.
	if g < 0 || g%time.Minute != 0 || g >= shortestPeriod(s.Calendar.Frequency) {
		return fmt.Errorf("intake.late_data_grace: %s must be whole minutes, at least 0 and shorter than a %s period",
			g, s.Calendar.Frequency)
	}
	switch f.UncoveredCurrency {
	case "":
	case UncoveredQuarantine, UncoveredBlock:
		s.Intake.UncoveredCurrency = f.UncoveredCurrency
	default:
		return fmt.Errorf("intake.uncovered_currency: %q: want %s or %s", f.UncoveredCurrency, UncoveredQuarantine, UncoveredBlock)
	}
	return nil
}

func shortestPeriod(f calendar.Frequency) time.Duration {
	switch f {
	case calendar.Weekly:
		return 7 * 24 * time.Hour
	case calendar.Monthly:
		return 28 * 24 * time.Hour
	}
	return 24 * time.Hour
}

// SettleableFrom is when a period's cycle may start: its end plus the
// late-data grace.
func (s Scope) SettleableFrom(p calendar.Period) time.Time {
	return p.End.Add(s.Intake.LateDataGrace)
}

// LatestSettleable is the latest period whose end plus the grace is at or
// before now.
func (s Scope) LatestSettleable(now time.Time) calendar.Period {
	return s.Calendar.PeriodEndingAt(now.Add(-s.Intake.LateDataGrace))
}

// CheckEnded refuses a period whose end plus the grace is after now.
func (s Scope) CheckEnded(p calendar.Period, now time.Time) error {
	from := s.SettleableFrom(p)
	if !now.Before(from) {
		return nil
	}
	grace := ""
	if s.Intake.LateDataGrace > 0 {
		grace = fmt.Sprintf(" plus the scope's late-data grace of %s", s.Intake.LateDataGrace)
	}
	return fmt.Errorf("scope %s: period %s has not ended: it ends at %s%s, so it can be settled from %s (in %s); "+
		"an operator who knows its data is complete may start it with --force --reason \"…\"",
		s.Name, s.Calendar.Key(p), p.End.UTC().Format(time.RFC3339), grace, from.UTC().Format(time.RFC3339),
		from.Sub(now).Round(time.Second))
}

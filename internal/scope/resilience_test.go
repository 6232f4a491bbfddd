package scope

import (
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

func TestResilienceDefaults(t *testing.T) {
	s, err := Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{lifecycle.StepOpen, lifecycle.StepValidate, lifecycle.StepSplit, lifecycle.StepApprove,
		lifecycle.StepPost, lifecycle.StepPublish, lifecycle.StepClose} {
		if got := s.Resilience.Step(step); got != DefaultStepPolicy {
			t.Errorf("%s policy %+v, want the default %+v", step, got, DefaultStepPolicy)
		}
	}
	if p := s.Resilience.Step(lifecycle.StepPull); p.Timeout != 2*time.Hour || p.Attempts != DefaultStepPolicy.Attempts {
		t.Errorf("pull policy %+v", p)
	}
	if p := s.Resilience.Step(StepUndo); p.Attempts != 24 {
		t.Errorf("undo policy %+v", p)
	}
	// The waits before a step gives up outlast a routine database restart.
	p, waited := DefaultStepPolicy, time.Duration(0)
	for i, wait := 1, p.FirstRetry; i < p.Attempts; i, wait = i+1, min(2*wait, p.MaxRetry) {
		waited += wait
	}
	if waited < 2*time.Minute {
		t.Errorf("default policy retries for %s, less than a 2-minute restart", waited)
	}
	if s.Sources[0].Requests != DefaultRequests {
		t.Errorf("source requests %+v", s.Sources[0].Requests)
	}
	if s.Intake.LateDataGrace != 0 || s.Intake.UncoveredCurrency != UncoveredQuarantine {
		t.Errorf("intake %+v", s.Intake)
	}
}

func TestResilienceOverrides(t *testing.T) {
	doc := strings.Replace(minimal, "partner: acme-games", `partner: acme-games
    requests: {budget: 2m, header_timeout: 5s}`, 1) + `
resilience:
  steps:
    default: {attempts: 20, max_retry: 1m}
    validate: {timeout: 30m, heartbeat: 10s}
    undo: {attempts: 50}
  requests: {attempts: 0, budget: 90s}
intake: {late_data_grace: 2h, uncovered_currency: block}
`
	s, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if p := s.Resilience.Step(lifecycle.StepSplit); p.Attempts != 20 || p.MaxRetry != time.Minute || p.FirstRetry != time.Second {
		t.Errorf("split inherits the scope default: %+v", p)
	}
	if p := s.Resilience.Step(lifecycle.StepValidate); p.Attempts != 20 || p.Timeout != 30*time.Minute || p.Heartbeat != 10*time.Second {
		t.Errorf("validate %+v", p)
	}
	if p := s.Resilience.Step(StepUndo); p.Attempts != 50 {
		t.Errorf("undo %+v", p)
	}
	r := s.Sources[0].Requests
	if r.Attempts != 0 || r.Budget != 2*time.Minute || r.HeaderTimeout != 5*time.Second || r.Timeout != time.Minute {
		t.Errorf("source requests: the source's keys over the scope's over the defaults: %+v", r)
	}
	if s.Intake.LateDataGrace != 2*time.Hour || s.Intake.UncoveredCurrency != UncoveredBlock {
		t.Errorf("intake %+v", s.Intake)
	}
}

func TestResilienceErrors(t *testing.T) {
	src := func(extra string) string {
		return strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    "+extra, 1)
	}
	tests := []struct{ name, doc, want string }{
		{"unknown step", minimal + "resilience: {steps: {vaildate: {attempts: 3}}}\n", "field vaildate not found"},
		{"unknown key", minimal + "resilience: {steps: {pull: {retries: 3}}}\n", "line 11"},
		{"zero attempts", minimal + "resilience: {steps: {post: {attempts: 0}}}\n", "resilience.steps.post: attempts 0"},
		{"bad duration", minimal + "resilience: {steps: {post: {timeout: 5 minutes}}}\n", `line 11: "5 minutes" is not a Go duration`},
		{"heartbeat beyond timeout", minimal + "resilience: {steps: {default: {timeout: 10s, heartbeat: 20s}}}\n", "heartbeat 20s"},
		{"fractional attempts", minimal + "resilience: {requests: {attempts: 2.5}}\n", `"2.5" is not a whole number`},
		{"header beyond request", src("requests: {header_timeout: 2m}"), "sources[0].requests: header_timeout 2m0s"},
		{"source typo", src("requests: {budjet: 1m}"), "field budjet not found"},
		{"negative budget", minimal + "resilience: {requests: {budget: -1s}}\n", "must not be negative"},
		{"grace too long", minimal + "intake: {late_data_grace: 24h}\n", "shorter than a daily period"},
		{"grace in seconds", minimal + "intake: {late_data_grace: 90s}\n", "whole minutes"},
		{"uncovered", minimal + "intake: {uncovered_currency: ignore}\n", `intake.uncovered_currency: "ignore"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestCheckEnded(t *testing.T) {
	s, err := Parse([]byte(minimal + "intake: {late_data_grace: 2h}\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Calendar.Parse("2026-11-01") // ends 2026-11-01T15:00Z
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)
	if err := s.CheckEnded(p, end.Add(2*time.Hour)); err != nil {
		t.Errorf("end + grace: %v", err)
	}
	err = s.CheckEnded(p, end.Add(time.Hour))
	if err == nil || !strings.Contains(err.Error(), "period 2026-11-01 has not ended") ||
		!strings.Contains(err.Error(), "settled from 2026-11-01T17:00:00Z (in 1h0m0s)") || !strings.Contains(err.Error(), "--force") {
		t.Errorf("within the grace: %v", err)
	}
	if got := s.LatestSettleable(end.Add(time.Hour)); got.End != end.Add(-24*time.Hour) {
		t.Errorf("latest settleable an hour after the end: %s", got)
	}
	if got := s.LatestSettleable(end.Add(2 * time.Hour)); got != p {
		t.Errorf("latest settleable at end + grace: %s", got)
	}
}

package scope

import (
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/calendar"
)

const minimal = `
scope: kr-casino
calendar:
  frequency: daily
  timezone: Asia/Seoul
sources:
  - name: aggregator
    kind: provider
    partner: acme-games
agreements: [acme-games]
`

func TestParseMinimalDefaults(t *testing.T) {
	s, err := Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "kr-casino" || s.Calendar.Frequency != calendar.Daily || s.Calendar.Cutoff != 0 {
		t.Errorf("got %+v", s)
	}
	if src := s.Sources[0]; src.PageSize != 0 || src.Slices != DefaultSlices || src.Parallel != DefaultParallel ||
		src.MaxPages != DefaultMaxPages || src.KindLine != 8 {
		t.Errorf("source defaults = %+v", src)
	}
	if s.Blocked.AutoAbortAfter != DefaultAutoAbortAfter {
		t.Errorf("auto abort = %v, want default %v", s.Blocked.AutoAbortAfter, DefaultAutoAbortAfter)
	}
	if s.Approval.RejectsAbove != nil || s.Approval.RejectsExceed(1_000_000) {
		t.Errorf("rejects threshold should be off when omitted: %+v", s.Approval)
	}
}

func TestParseFull(t *testing.T) {
	doc := `
scope: eu-casino
description: "  Weekly EU settlement  "
calendar: {frequency: weekly, timezone: Europe/Berlin, cutoff: "06:00", week_start: sunday}
sources:
  - {name: aggregator, kind: provider, partner: acme-games, url: "https://feed.example/v1", token_env: ACME_TOKEN, page_size: 2000}
  - {name: stripe, kind: psp, partner: stripe, optional: true}
  - {name: rates, kind: fx, partner: ecb}
agreements: [acme-games, stripe, ecb]
approval:
  required: true
  amount_above: {EUR: 1000000}
  rejects_above: 0
  new_agreement_version: true
blocked:
  alert_webhook: https://hooks.example/settleflow
  auto_abort_after: 90m
`
	s, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if s.Description != "Weekly EU settlement" {
		t.Errorf("description = %q", s.Description)
	}
	c := s.Calendar
	if c.Frequency != calendar.Weekly || c.Location.String() != "Europe/Berlin" || c.Cutoff != 6*time.Hour || c.WeekStart != time.Sunday {
		t.Errorf("calendar = %+v", c)
	}
	want := Source{Name: "aggregator", Kind: "provider", KindLine: s.Sources[0].KindLine, Partner: "acme-games",
		URL: "https://feed.example/v1", TokenEnv: "ACME_TOKEN", PageSize: 2000,
		Slices: DefaultSlices, Parallel: DefaultParallel, MaxPages: DefaultMaxPages, Requests: DefaultRequests}
	if s.Sources[0] != want {
		t.Errorf("source 0 = %+v, want %+v", s.Sources[0], want)
	}
	if !s.Sources[1].Optional || s.Sources[1].Kind != "psp" {
		t.Errorf("source 1 = %+v", s.Sources[1])
	}
	a := s.Approval
	if !a.Required || !a.NewAgreementVersion || a.RejectsAbove == nil || *a.RejectsAbove != 0 {
		t.Errorf("approval = %+v", a)
	}
	if !a.RejectsExceed(1) || a.RejectsExceed(0) {
		t.Errorf("rejects_above 0 should trigger on the first reject only")
	}
	if !a.AmountExceeds("EUR", 1_000_001) || a.AmountExceeds("EUR", 1_000_000) || !a.AmountExceeds("EUR", -1_000_001) {
		t.Errorf("EUR threshold misapplied")
	}
	if a.AmountExceeds("USD", 1<<60) {
		t.Errorf("a currency without a threshold must not trigger")
	}
	if s.Blocked.AlertWebhook != "https://hooks.example/settleflow" || s.Blocked.AutoAbortAfter != 90*time.Minute {
		t.Errorf("blocked = %+v", s.Blocked)
	}
}

func TestParseErrors(t *testing.T) {
	// Each case edits the minimal document so the error under test is the only one.
	tests := []struct {
		name    string
		doc     string
		wantErr []string
	}{
		{name: "empty", doc: "", wantErr: []string{"empty scope document"}},
		{name: "typo at top level", doc: minimal + "aproval: {required: true}\n",
			wantErr: []string{"line 11", `field aproval not found`}},
		{name: "typo in source", doc: strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    pagesize: 10", 1),
			wantErr: []string{"line 10", "field pagesize not found"}},
		{name: "wrong type", doc: minimal + "approval: {rejects_above: many}\n",
			wantErr: []string{"line 11", "many"}},
		{name: "two documents", doc: minimal + "---\n" + minimal, wantErr: []string{"more than one YAML document"}},
		{name: "bad scope name", doc: strings.Replace(minimal, "kr-casino", "KR_Casino", 1),
			wantErr: []string{`name "KR_Casino" must match [a-z0-9-]+`}},
		{name: "missing scope name", doc: strings.Replace(minimal, "scope: kr-casino", "", 1),
			wantErr: []string{`name "" must match`}},
		{name: "bad timezone", doc: strings.Replace(minimal, "Asia/Seoul", "Asia/Busan", 1),
			wantErr: []string{"scope kr-casino: calendar:", `"Asia/Busan"`}},
		{name: "bad frequency", doc: strings.Replace(minimal, "daily", "hourly", 1),
			wantErr: []string{`unknown frequency "hourly"`}},
		{name: "no sources", doc: strings.Replace(minimal, "sources:\n  - name: aggregator\n    kind: provider\n    partner: acme-games\n", "", 1),
			wantErr: []string{"at least one source"}},
		{name: "duplicate source", doc: strings.Replace(minimal, "agreements:", "  - {name: aggregator, kind: wallet, partner: acme-games}\nagreements:", 1),
			wantErr: []string{`sources[1]: name "aggregator" is used by another source`}},
		{name: "bad source name", doc: strings.Replace(minimal, "name: aggregator", "name: Aggregator", 1),
			wantErr: []string{`sources[0]: name "Aggregator"`}},
		{name: "missing kind", doc: strings.Replace(minimal, "kind: provider", "kind: \"\"", 1),
			wantErr: []string{"source aggregator: kind is required"}},
		{name: "too many slices", doc: strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    slices: 65", 1),
			wantErr: []string{"slices 65 is more than 64"}},
		{name: "fallback to nowhere", doc: strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    fallback: wallet", 1),
			wantErr: []string{`source aggregator: fallback "wallet" is not a source of the scope`}},
		{name: "fallback to itself", doc: strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    fallback: aggregator", 1),
			wantErr: []string{"source aggregator: fallback names the source itself"}},
		{name: "mode without fallback", doc: strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    fallback_mode: auto", 1),
			wantErr: []string{`fallback_mode "auto" without a fallback`}},
		{name: "unknown mode", doc: strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    fallback: wallet\n    fallback_mode: sometimes\n  - {name: wallet, kind: wallet}", 1),
			wantErr: []string{`fallback_mode "sometimes": want manual or auto`}},
		{name: "fallback chain", doc: strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    fallback: wallet\n  - {name: wallet, kind: wallet, fallback: aggregator}", 1),
			wantErr: []string{"fallback wallet has a fallback of its own (aggregator)"}},
		{name: "partner without agreement", doc: strings.Replace(minimal, "agreements: [acme-games]", "agreements: [other]", 1),
			wantErr: []string{`partner "acme-games" is not listed in agreements (have other)`}},
		{name: "no agreements", doc: strings.Replace(minimal, "agreements: [acme-games]", "", 1),
			wantErr: []string{`partner "acme-games" is not listed in agreements (have none)`}},
		{name: "duplicate agreement", doc: strings.Replace(minimal, "[acme-games]", "[acme-games, acme-games]", 1),
			wantErr: []string{`agreements[1]: partner "acme-games" listed twice`}},
		{name: "bad agreement id", doc: strings.Replace(minimal, "[acme-games]", "[acme-games, Acme]", 1),
			wantErr: []string{`agreements[1]: partner "Acme"`}},
		{name: "relative url", doc: strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    url: feed.example", 1),
			wantErr: []string{`url: "feed.example" must be an absolute http(s) URL`}},
		{name: "bad token env", doc: strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    token_env: ACME-TOKEN", 1),
			wantErr: []string{`token_env "ACME-TOKEN"`}},
		{name: "negative page size", doc: strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    page_size: -1", 1),
			wantErr: []string{"page_size -1"}},
		{name: "huge page size", doc: strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    page_size: 1000000", 1),
			wantErr: []string{"page_size 1000000"}},
		{name: "bad currency", doc: minimal + "approval: {amount_above: {won: 5}}\n",
			wantErr: []string{`approval.amount_above: currency "won"`}},
		{name: "negative amount", doc: minimal + "approval: {amount_above: {KRW: -5}}\n",
			wantErr: []string{"approval.amount_above.KRW: threshold -5"}},
		{name: "fractional amount", doc: minimal + "approval: {amount_above: {KRW: 5.5}}\n",
			wantErr: []string{"line 11", "5.5"}},
		{name: "fractional page size", doc: strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    page_size: 2.5", 1),
			wantErr: []string{"line 10", `"2.5" is not a whole number`}},
		{name: "quoted amount", doc: minimal + "approval: {amount_above: {KRW: \"5\"}}\n",
			wantErr: []string{"line 11", `"5" is not a whole number`}},
		{name: "negative rejects", doc: minimal + "approval: {rejects_above: -1}\n",
			wantErr: []string{"approval.rejects_above: -1"}},
		{name: "bad webhook", doc: minimal + "blocked: {alert_webhook: \"ftp://x\"}\n",
			wantErr: []string{`blocked.alert_webhook: "ftp://x"`}},
		{name: "bad duration", doc: minimal + "blocked: {auto_abort_after: 1d}\n",
			wantErr: []string{`blocked.auto_abort_after: "1d" is not a Go duration`}},
		{name: "zero duration", doc: minimal + "blocked: {auto_abort_after: 0s}\n",
			wantErr: []string{`blocked.auto_abort_after: "0s" must be positive`}},
		{name: "anomalies typo", doc: minimal + "anomalies: {volume_chnage: 10%}\n",
			wantErr: []string{"line 11", "field volume_chnage not found"}},
		{name: "anomaly threshold not a percentage", doc: minimal + "anomalies:\n  ggr_change: lots\n",
			wantErr: []string{"line 12", `percent "lots"`}},
		{name: "anomaly threshold above 100%", doc: minimal + "anomalies: {volume_change: 150%}\n",
			wantErr: []string{"line 11", "above 100"}},
		{name: "min history beyond the window", doc: minimal + "anomalies: {trailing_cycles: 3, min_history: 5}\n",
			wantErr: []string{"anomalies: min_history 5 is more than trailing_cycles 3"}},
		{name: "retention typo", doc: minimal + "retention:\n  raw: 90d\n",
			wantErr: []string{"line 12", "field raw not found"}},
		{name: "retention not an age", doc: minimal + "retention: {quarantine: 1y}\n",
			wantErr: []string{"line 11", `"1y" is neither days`}},
		{name: "retention zero", doc: minimal + "retention: {event_payloads: 0d}\n",
			wantErr: []string{"line 11", "must be positive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil {
				t.Fatalf("Parse succeeded, want error containing %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// A source may name another as its fallback; the mode defaults to manual
// and the fallback's kind is noted for the adapters' check. The wallet
// and the rates, the operator's own and reference data, have no partner.
func TestParseFallback(t *testing.T) {
	doc := strings.Replace(minimal, "partner: acme-games", "partner: acme-games\n    fallback: wallet\n"+
		"  - {name: wallet, kind: wallet}\n  - {name: rates, kind: fx}\n  - {name: other, kind: provider, partner: acme-games, fallback: wallet, fallback_mode: auto}", 1)
	s, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	agg, wallet, other := s.Sources[0], s.Sources[1], s.Sources[3]
	if agg.Fallback != "wallet" || agg.FallbackKind != "wallet" || agg.FallbackMode != FallbackManual {
		t.Errorf("aggregator %+v", agg)
	}
	if other.FallbackMode != FallbackAuto || wallet.Partner != "" || wallet.Fallback != "" || wallet.FallbackMode != "" {
		t.Errorf("other %+v, wallet %+v", other, wallet)
	}
}

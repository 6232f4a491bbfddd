package scope

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/settleflow/settleflow/examples/config"
	"github.com/settleflow/settleflow/internal/calendar"
)

func TestLoadDirEmbeddedDemo(t *testing.T) {
	scopes, err := LoadDir(config.FS, "scopes", knownKinds)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := scopes["demo-casino"]
	if !ok || len(scopes) != 1 {
		t.Fatalf("scopes = %v, want only demo-casino", keys(scopes))
	}
	if s.Calendar.Frequency != calendar.Daily || s.Calendar.Location.String() != "Asia/Seoul" || s.Calendar.Cutoff != 0 {
		t.Errorf("calendar = %+v", s.Calendar)
	}
	// The demo's first gaming day must line up with the documented example.
	if p, _ := s.Calendar.Parse("2026-11-01"); p.String() != "2026-10-31T15:00:00Z/2026-11-01T15:00:00Z" {
		t.Errorf("2026-11-01 = %s", p)
	}
	want := Source{
		Name: "aggregator", Kind: "provider", KindLine: 9, Partner: "acme-games", URL: "http://127.0.0.1:8711",
		TokenEnv: "SETTLEFLOW_DEMO_PROVIDER_TOKEN", Token: "demo-token", PageSize: 500,
		Slices: DefaultSlices, Parallel: DefaultParallel, MaxPages: DefaultMaxPages, Requests: DefaultRequests,
		Fallback: "wallet", FallbackKind: "wallet", FallbackMode: FallbackManual,
	}
	// The demo settles one of each kind; the aggregator, first, is what
	// the pipeline tests settle alone.
	var kinds []string
	for _, src := range s.Sources {
		kinds = append(kinds, src.Kind)
	}
	if len(s.Sources) != 5 || s.Sources[0] != want || strings.Join(kinds, ",") != "provider,wallet,psp,traffic,fx" {
		t.Errorf("sources = %+v", s.Sources)
	}
	a := s.Approval
	if a.Required || !a.NewAgreementVersion || a.RejectsAbove == nil || *a.RejectsAbove != 100 ||
		a.AmountAbove["KRW"] != 50_000_000 || a.AmountAbove["USD"] != 5_000_000 {
		t.Errorf("approval = %+v", a)
	}
	if s.Blocked.AlertWebhook != "" || s.Blocked.AutoAbortAfter != 24*time.Hour {
		t.Errorf("blocked = %+v", s.Blocked)
	}
	if an := s.Anomalies; an.Trailing != 7 || an.MinHistory != 3 || an.Season != 7 || an.VolumeChange.String() != "50%" ||
		an.GGRChange.String() != "60%" || an.RejectRateRise.String() != "2%" || an.DiscrepancyRateRise.String() != "1%" {
		t.Errorf("anomalies = %+v", an)
	}
	if r := s.Retention; r.RawRecords != 90*24*time.Hour || r.Quarantine != 365*24*time.Hour || r.EventPayloads != 730*24*time.Hour {
		t.Errorf("retention = %+v", r)
	}
	// Every agreement a scope names must ship beside it, or the demo cannot open a cycle.
	for _, p := range s.Agreements {
		if _, err := fs.Stat(config.FS, AgreementPath("scopes", p)); err != nil {
			t.Errorf("agreement %s: %v", p, err)
		}
	}
}

// knownKinds stands in for the adapter registry.
func knownKinds(src Source) error {
	switch src.Kind {
	case "provider", "wallet", "psp", "traffic", "fx":
		return nil
	}
	return fmt.Errorf("source kind %q has no adapter", src.Kind)
}

func TestLoadDir(t *testing.T) {
	good := minimal
	tests := []struct {
		name     string
		files    fstest.MapFS
		wantKeys []string
		wantErr  []string
	}{
		{name: "two scopes, other files ignored", files: fstest.MapFS{
			"cfg/scopes/kr-casino.yaml":  {Data: []byte(good)},
			"cfg/scopes/eu-casino.yaml":  {Data: []byte(strings.Replace(good, "kr-casino", "eu-casino", 1))},
			"cfg/scopes/README.md":       {Data: []byte("# not yaml")},
			"cfg/scopes/old.yaml.bak":    {Data: []byte("garbage: [")},
			"cfg/scopes/sub/nested.yaml": {Data: []byte("garbage: [")},
		}, wantKeys: []string{"eu-casino", "kr-casino"}},
		{name: "error names the file and line", files: fstest.MapFS{
			"cfg/scopes/kr-casino.yaml": {Data: []byte(good + "blockd: {}\n")},
		}, wantErr: []string{"cfg/scopes/kr-casino.yaml", "line 11", "blockd"}},
		{name: "validation error names the file", files: fstest.MapFS{
			"cfg/scopes/kr-casino.yaml": {Data: []byte(strings.Replace(good, "partner: acme-games", "partner: acme-games\n    page_size: -1", 1))},
		}, wantErr: []string{"cfg/scopes/kr-casino.yaml: scope kr-casino: sources[0]", "page_size -1"}},
		{name: "a kind without an adapter is refused at its line", files: fstest.MapFS{
			"cfg/scopes/kr-casino.yaml": {Data: []byte(strings.Replace(good, "kind: provider", "kind: bank", 1))},
		}, wantErr: []string{"cfg/scopes/kr-casino.yaml: line 8: scope kr-casino source aggregator", `kind "bank" has no adapter`}},
		{name: "file name must match scope", files: fstest.MapFS{
			"cfg/scopes/kr.yaml": {Data: []byte(good)},
		}, wantErr: []string{`cfg/scopes/kr.yaml: scope "kr-casino" must live in a file named kr-casino.yaml`}},
		{name: "no scope files", files: fstest.MapFS{
			"cfg/scopes/kr-casino.yml": {Data: []byte(good)},
		}, wantErr: []string{"no *.yaml scope files in cfg/scopes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadDir(tt.files, "cfg/scopes", knownKinds)
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("LoadDir succeeded with %v, want error", keys(got))
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not contain %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k := keys(got); strings.Join(k, ",") != strings.Join(tt.wantKeys, ",") {
				t.Errorf("scopes = %v, want %v", k, tt.wantKeys)
			}
		})
	}
}

func TestAgreementPath(t *testing.T) {
	for dir, want := range map[string]string{
		"scopes":           "agreements/acme-games.yaml",
		"etc/cfg/scopes":   "etc/cfg/agreements/acme-games.yaml",
		"/etc/cfg/scopes/": "/etc/cfg/agreements/acme-games.yaml",
	} {
		if got := AgreementPath(dir, "acme-games"); got != want {
			t.Errorf("AgreementPath(%q) = %q, want %q", dir, got, want)
		}
	}
}

func TestResolve(t *testing.T) {
	src := Source{Name: "game-feed", URL: "http://default:1", TokenEnv: "FEED_TOKEN", Token: "fallback"}
	tests := []struct {
		name               string
		src                Source
		env                map[string]string
		wantURL, wantToken string
	}{
		{name: "config values", src: src, wantURL: "http://default:1", wantToken: "fallback"},
		{name: "env overrides", src: src, env: map[string]string{
			"SETTLEFLOW_SOURCE_DEMO_CASINO_GAME_FEED_URL": "http://override:2",
			"FEED_TOKEN": "secret",
		}, wantURL: "http://override:2", wantToken: "secret"},
		{name: "empty env falls back", src: src, env: map[string]string{
			"SETTLEFLOW_SOURCE_DEMO_CASINO_GAME_FEED_URL": "",
			"FEED_TOKEN": "",
		}, wantURL: "http://default:1", wantToken: "fallback"},
		{name: "no token_env uses inline token", src: Source{Name: "x", Token: "inline"},
			env: map[string]string{"": "never"}, wantToken: "inline"},
		{name: "url only from env", src: Source{Name: "x"},
			env: map[string]string{"SETTLEFLOW_SOURCE_DEMO_CASINO_X_URL": "http://env:3"}, wantURL: "http://env:3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			if got := tt.src.ResolveURL("demo-casino", getenv); got != tt.wantURL {
				t.Errorf("ResolveURL = %q, want %q", got, tt.wantURL)
			}
			if got := tt.src.ResolveToken(getenv); got != tt.wantToken {
				t.Errorf("ResolveToken = %q, want %q", got, tt.wantToken)
			}
		})
	}
}

func TestResolveNilGetenvUsesProcessEnv(t *testing.T) {
	t.Setenv("SETTLEFLOW_SOURCE_DEMO_CASINO_AGGREGATOR_URL", "http://from-env:9")
	t.Setenv("SETTLEFLOW_TEST_TOKEN", "tok")
	s := Source{Name: "aggregator", URL: "http://cfg", TokenEnv: "SETTLEFLOW_TEST_TOKEN"}
	if got := s.ResolveURL("demo-casino", nil); got != "http://from-env:9" {
		t.Errorf("ResolveURL = %q", got)
	}
	if got := s.ResolveToken(nil); got != "tok" {
		t.Errorf("ResolveToken = %q", got)
	}
}

func keys(m map[string]Scope) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	// sort for stable comparison
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

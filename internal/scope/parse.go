package scope

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/settleflow/settleflow/internal/calendar"
)

// scopeFile mirrors the YAML; it is kept apart from Scope so the public type
// carries parsed values (calendar, durations) rather than raw strings.
type scopeFile struct {
	Scope       string       `yaml:"scope"`
	Description string       `yaml:"description"`
	Calendar    calFile      `yaml:"calendar"`
	Sources     []sourceFile `yaml:"sources"`
	Agreements  []string     `yaml:"agreements"`
	Approval    struct {
		Required            bool                   `yaml:"required"`
		AmountAbove         map[string]wholeNumber `yaml:"amount_above"`
		RejectsAbove        *wholeNumber           `yaml:"rejects_above"`
		NewAgreementVersion bool                   `yaml:"new_agreement_version"`
	} `yaml:"approval"`
	Blocked struct {
		AlertWebhook   string `yaml:"alert_webhook"`
		AutoAbortAfter string `yaml:"auto_abort_after"`
	} `yaml:"blocked"`
	Anomalies      anomaliesFile  `yaml:"anomalies"`
	Retention      retentionFile  `yaml:"retention"`
	Resilience     resilienceFile `yaml:"resilience"`
	Intake         intakeFile     `yaml:"intake"`
	Reconciliation *reconFile     `yaml:"reconciliation"`
}

type sourceFile struct {
	Name     string        `yaml:"name"`
	Kind     located       `yaml:"kind"`
	Partner  string        `yaml:"partner"`
	URL      string        `yaml:"url"`
	TokenEnv string        `yaml:"token_env"`
	Token    string        `yaml:"token"`
	PageSize wholeNumber   `yaml:"page_size"`
	Slices   wholeNumber   `yaml:"slices"`
	Parallel wholeNumber   `yaml:"parallel"`
	MaxPages wholeNumber   `yaml:"max_pages"`
	Optional bool          `yaml:"optional"`
	Requests *requestsFile `yaml:"requests"`
	// Fallback and FallbackMode are checked in fallback.go.
	Fallback     string `yaml:"fallback"`
	FallbackMode string `yaml:"fallback_mode"`
}

// located is a string that remembers the line it was written on.
type located struct {
	Value string
	Line  int
}

func (l *located) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a string", n.Line)
	}
	l.Value, l.Line = n.Value, n.Line
	return nil
}

// wholeNumber refuses YAML floats: yaml.v3 would otherwise truncate 5.5 to 5
// when decoding into an int, quietly moving a money threshold.
type wholeNumber int64

func (w *wholeNumber) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		return fmt.Errorf("line %d: %q is not a whole number", n.Line, n.Value)
	}
	var v int64
	if err := n.Decode(&v); err != nil {
		return err
	}
	*w = wholeNumber(v)
	return nil
}

type calFile struct {
	Frequency string `yaml:"frequency"`
	Timezone  string `yaml:"timezone"`
	Cutoff    string `yaml:"cutoff"`
	WeekStart string `yaml:"week_start"`
}

// Parse decodes and validates one scope document.
func Parse(data []byte) (Scope, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f scopeFile
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return Scope{}, errors.New("empty scope document")
		}
		return Scope{}, err // yaml errors already carry "line N: ..."
	}
	// A second document would be ignored by Decode; refuse it so nobody
	// edits a part of the file that never takes effect.
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Scope{}, errors.New("more than one YAML document; put each scope in its own file")
	}
	return f.build()
}

func (f scopeFile) build() (Scope, error) {
	s := Scope{
		Name:        f.Scope,
		Description: strings.TrimSpace(f.Description),
		Agreements:  f.Agreements,
		Approval: Approval{
			Required:            f.Approval.Required,
			NewAgreementVersion: f.Approval.NewAgreementVersion,
		},
		Blocked:   Blocked{AlertWebhook: f.Blocked.AlertWebhook, AutoAbortAfter: DefaultAutoAbortAfter},
		Retention: f.Retention.build(),
	}
	for _, sf := range f.Sources {
		s.Sources = append(s.Sources, Source{
			Name: sf.Name, Kind: sf.Kind.Value, KindLine: sf.Kind.Line, Partner: sf.Partner, URL: sf.URL,
			TokenEnv: sf.TokenEnv, Token: sf.Token, PageSize: int(sf.PageSize), Optional: sf.Optional,
			Slices: int(sf.Slices), Parallel: int(sf.Parallel), MaxPages: int(sf.MaxPages),
			Fallback: sf.Fallback, FallbackMode: sf.FallbackMode,
		})
	}
	if f.Approval.AmountAbove != nil {
		s.Approval.AmountAbove = make(map[string]int64, len(f.Approval.AmountAbove))
		for cur, v := range f.Approval.AmountAbove {
			s.Approval.AmountAbove[cur] = int64(v)
		}
	}
	if r := f.Approval.RejectsAbove; r != nil {
		n := int(*r)
		s.Approval.RejectsAbove = &n
	}
	if !idPattern.MatchString(s.Name) {
		return Scope{}, fmt.Errorf("scope: name %q must match [a-z0-9-]+", s.Name)
	}
	fail := func(format string, args ...any) (Scope, error) {
		return Scope{}, fmt.Errorf("scope %s: "+format, append([]any{s.Name}, args...)...)
	}

	anomalies, err := f.Anomalies.build()
	if err != nil {
		return fail("anomalies: %w", err)
	}
	s.Anomalies = anomalies

	cal, err := calendar.New(f.Calendar.Frequency, f.Calendar.Timezone, f.Calendar.Cutoff, f.Calendar.WeekStart)
	if err != nil {
		return fail("calendar: %w", err)
	}
	s.Calendar = cal

	partners := map[string]bool{}
	for i, p := range s.Agreements {
		if !idPattern.MatchString(p) {
			return fail("agreements[%d]: partner %q must match [a-z0-9-]+", i, p)
		}
		if partners[p] {
			return fail("agreements[%d]: partner %q listed twice", i, p)
		}
		partners[p] = true
	}

	if len(s.Sources) == 0 {
		return fail("sources: at least one source is required")
	}
	names := map[string]bool{}
	for i := range s.Sources {
		src := &s.Sources[i]
		if err := src.validate(partners); err != nil {
			return fail("sources[%d]: %w", i, err)
		}
		if names[src.Name] {
			return fail("sources[%d]: name %q is used by another source", i, src.Name)
		}
		names[src.Name] = true
		src.Slices = orDefault(src.Slices, DefaultSlices)
		src.Parallel = orDefault(src.Parallel, DefaultParallel)
		src.MaxPages = orDefault(src.MaxPages, DefaultMaxPages)
	}
	if err := checkFallbacks(s.Sources); err != nil {
		return fail("%w", err)
	}

	for cur, v := range s.Approval.AmountAbove {
		if !currencyPattern.MatchString(cur) {
			return fail("approval.amount_above: currency %q is not a 3-letter ISO 4217 code", cur)
		}
		if v < 0 {
			return fail("approval.amount_above.%s: threshold %d is negative", cur, v)
		}
	}
	if r := s.Approval.RejectsAbove; r != nil && *r < 0 {
		return fail("approval.rejects_above: %d is negative", *r)
	}

	if w := s.Blocked.AlertWebhook; w != "" {
		if err := checkURL(w); err != nil {
			return fail("blocked.alert_webhook: %w", err)
		}
	}
	if d := f.Blocked.AutoAbortAfter; d != "" {
		v, err := time.ParseDuration(d)
		if err != nil {
			return fail("blocked.auto_abort_after: %q is not a Go duration such as \"24h\"", d)
		}
		if v <= 0 {
			return fail("blocked.auto_abort_after: %q must be positive", d)
		}
		s.Blocked.AutoAbortAfter = v
	}
	requests := make([]*requestsFile, len(f.Sources))
	for i, sf := range f.Sources {
		requests[i] = sf.Requests
	}
	if err := f.Resilience.build(&s, requests); err != nil {
		return fail("%w", err)
	}
	if err := f.Intake.build(&s); err != nil {
		return fail("%w", err)
	}
	if s.Reconciliation, err = f.Reconciliation.build(s.Sources); err != nil {
		return fail("%w", err)
	}
	return s, nil
}

func (s Source) validate(partners map[string]bool) error {
	if !idPattern.MatchString(s.Name) {
		return fmt.Errorf("name %q must match [a-z0-9-]+", s.Name)
	}
	// Whether an adapter serves the kind is the catalog's check: it knows
	// the registry, this package does not.
	if s.Kind == "" {
		return fmt.Errorf("source %s: kind is required", s.Name)
	}
	// No partner: the operator's own data (its wallet) or reference data
	// (rates), which no agreement settles.
	if s.Partner != "" && !partners[s.Partner] {
		return fmt.Errorf("source %s: partner %q is not listed in agreements (have %s)", s.Name, s.Partner, listOf(partners))
	}
	// An empty url is allowed: deployments may supply it only through the
	// SETTLEFLOW_SOURCE_..._URL variable.
	if s.URL != "" {
		if err := checkURL(s.URL); err != nil {
			return fmt.Errorf("source %s: url: %w", s.Name, err)
		}
	}
	if s.TokenEnv != "" && !envPattern.MatchString(s.TokenEnv) {
		return fmt.Errorf("source %s: token_env %q is not an environment variable name", s.Name, s.TokenEnv)
	}
	if s.PageSize < 0 || s.PageSize > MaxPageSize {
		return fmt.Errorf("source %s: page_size %d must be between 1 and %d (or 0: the largest the source serves)", s.Name, s.PageSize, MaxPageSize)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"slices", s.Slices}, {"parallel", s.Parallel}, {"max_pages", s.MaxPages}} {
		if f.v < 0 {
			return fmt.Errorf("source %s: %s %d is negative", s.Name, f.name, f.v)
		}
	}
	if s.Slices > MaxSlices {
		return fmt.Errorf("source %s: slices %d is more than %d", s.Name, s.Slices, MaxSlices)
	}
	return nil
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q must be an absolute http(s) URL", raw)
	}
	return nil
}

func listOf(set map[string]bool) string {
	if len(set) == 0 {
		return "none"
	}
	out := slices.Sorted(maps.Keys(set))
	return strings.Join(out, ", ")
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

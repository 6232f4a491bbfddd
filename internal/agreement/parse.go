package agreement

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/settleflow/settleflow/internal/money"
)

// file mirrors the YAML layout. Fields are plain strings so each value is
// validated here with an error naming the field, instead of surfacing as a
// decoder type error.
type file struct {
	Partner  string        `yaml:"partner"`
	Name     string        `yaml:"name"`
	Kind     string        `yaml:"kind"`
	Versions []fileVersion `yaml:"versions"`
}

type fileVersion struct {
	Version       int      `yaml:"version"`
	EffectiveFrom string   `yaml:"effective_from"`
	FeePercent    string   `yaml:"fee_percent"`
	Rounding      string   `yaml:"rounding"`
	NegativeGGR   string   `yaml:"negative_ggr"`
	Currencies    []string `yaml:"currencies"`
}

var partnerID = regexp.MustCompile(`^[a-z0-9-]+$`)

// Parse decodes one agreement file (one partner). Decoding is strict:
// unknown keys, a second YAML document, and missing required fields are all
// errors, because a typo in a contract must never fall back to a default.
// rounding and negative_ggr are required for the same reason.
//
// fee_percent should be quoted in the file; an unquoted number is accepted
// only because the decoder hands over its literal text, which is then parsed
// exactly (never through a float).
func Parse(data []byte) (Agreement, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f file
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return Agreement{}, fmt.Errorf("agreement: empty document")
		}
		return Agreement{}, fmt.Errorf("agreement: decode: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Agreement{}, fmt.Errorf("agreement %q: more than one YAML document in file", f.Partner)
	}
	a, err := f.validate()
	if err != nil {
		if f.Partner != "" {
			return Agreement{}, fmt.Errorf("agreement %q: %w", f.Partner, err)
		}
		return Agreement{}, fmt.Errorf("agreement: %w", err)
	}
	return a, nil
}

func (f file) validate() (Agreement, error) {
	if !partnerID.MatchString(f.Partner) {
		return Agreement{}, fmt.Errorf("partner %q: must match [a-z0-9-]+", f.Partner)
	}
	if f.Name == "" {
		return Agreement{}, fmt.Errorf("name: required")
	}
	if !slices.Contains(Kinds, f.Kind) {
		return Agreement{}, fmt.Errorf("kind %q: want one of %s", f.Kind, strings.Join(Kinds, ", "))
	}
	if len(f.Versions) == 0 {
		return Agreement{}, fmt.Errorf("versions: at least one required")
	}
	a := Agreement{Partner: f.Partner, Name: f.Name, Kind: f.Kind}
	for i, fv := range f.Versions {
		v, err := fv.validate(f.Kind)
		if err != nil {
			return Agreement{}, fmt.Errorf("version %d: %w", fv.Version, err)
		}
		if i > 0 {
			prev := a.Versions[i-1]
			if v.Number <= prev.Number {
				return Agreement{}, fmt.Errorf("version %d: number must be greater than the previous version %d",
					v.Number, prev.Number)
			}
			if !v.EffectiveFrom.After(prev.EffectiveFrom) {
				return Agreement{}, fmt.Errorf("version %d: effective_from %s must be after version %d's %s",
					v.Number, day(v.EffectiveFrom), prev.Number, day(prev.EffectiveFrom))
			}
		}
		a.Versions = append(a.Versions, v)
	}
	return a, nil
}

func (fv fileVersion) validate(kind string) (Version, error) {
	if fv.Version <= 0 {
		return Version{}, fmt.Errorf("version: must be a positive number, got %d", fv.Version)
	}
	if fv.EffectiveFrom == "" {
		return Version{}, fmt.Errorf("effective_from: required")
	}
	// A bare date is taken as UTC midnight; storage and periods are UTC, so a
	// local-time date here would shift the boundary silently.
	from, err := time.Parse(time.DateOnly, fv.EffectiveFrom)
	if err != nil {
		return Version{}, fmt.Errorf("effective_from %q: want YYYY-MM-DD", fv.EffectiveFrom)
	}
	fee, err := money.ParsePercent(fv.FeePercent)
	if err != nil {
		return Version{}, fmt.Errorf("fee_percent %q: %w", fv.FeePercent, err)
	}
	if fv.Rounding == "" {
		return Version{}, fmt.Errorf("rounding: required (half_even, half_up, down or up)")
	}
	mode, err := money.ParseRoundingMode(fv.Rounding)
	if err != nil {
		return Version{}, fmt.Errorf("rounding: %w", err)
	}
	switch {
	case kind != KindProviderFee && fv.NegativeGGR != "":
		return Version{}, fmt.Errorf("negative_ggr %q: applies to %s agreements only, this is %s", fv.NegativeGGR, KindProviderFee, kind)
	case kind != KindProviderFee:
	case fv.NegativeGGR != NegativeGGRZero && fv.NegativeGGR != NegativeGGRCharge:
		return Version{}, fmt.Errorf("negative_ggr %q: want %q or %q", fv.NegativeGGR, NegativeGGRZero, NegativeGGRCharge)
	}
	seen := make(map[string]bool, len(fv.Currencies))
	for _, c := range fv.Currencies {
		if !money.Known(c) {
			return Version{}, fmt.Errorf("currencies: unknown currency %q", c)
		}
		if seen[c] {
			return Version{}, fmt.Errorf("currencies: %q listed twice", c)
		}
		seen[c] = true
	}
	var currencies []string
	if len(fv.Currencies) > 0 {
		currencies = append(currencies, fv.Currencies...)
	}
	return Version{
		Number:        fv.Version,
		EffectiveFrom: from,
		FeePercent:    fee,
		Rounding:      mode,
		NegativeGGR:   fv.NegativeGGR,
		Currencies:    currencies,
	}, nil
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

package recon

import (
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/settleflow/settleflow/internal/money"
)

// Shapes of a pair: how many records of each side meet on one key.
const (
	OneToOne  = "1:1"
	OneToMany = "1:N" // one left record against a group of right records
	ManyToOne = "N:1" // a group of left records against one right record
)

// Match keys a side can take from a staged record.
const (
	KeyExternalID  = "external_id"
	KeyReferenceID = "reference_id"
	KeyPlayer      = "player"
	// KeyAttrPrefix starts a key read from one attribute: attrs.batch_id.
	KeyAttrPrefix = "attrs."
)

// Gate actions when open breaks exceed the scope's thresholds.
const (
	GateApprove = "approve" // the approval gate opens with the reasons
	GateBlock   = "block"   // the reconcile step fails and waits for an operator
)

// Config is a scope's reconciliation.
type Config struct {
	// ReportingCurrency values every break for ranking and the gate.
	ReportingCurrency string
	// Rates are fixed rates, units of a currency per one unit of the
	// reporting currency, used when the cycle's fx source has none.
	Rates map[string]*big.Rat
	Gate  Gate
	Pairs []Pair
}

// Gate says when open breaks hold a cycle. Open conflicting duplicates
// always do.
type Gate struct {
	// CountAbove: more open breaks than this gate the cycle; nil never.
	CountAbove *int64
	// AmountAbove: open breaks worth more than this, in the reporting
	// currency's minor units, gate the cycle; nil never.
	AmountAbove *int64
	Action      string
}

// Pair is two sources (or two sets of one source's types) matched on a key.
type Pair struct {
	Name        string
	Left, Right Side
	Shape       string
	// Types are the corresponding types, left to right; they also select
	// which records of each side take part.
	Types     []TypeMap
	Compare   Fields
	Tolerance Tolerance
	// Authoritative is the side whose amount is right when they differ.
	Authoritative string
	// Require lists the sides whose unmatched records are breaks: both by
	// default; one side when the other legitimately holds records without
	// counterpart (first deposits no affiliate claims).
	Require []string
	// Net is how the many side of N:1 or 1:N sums to the one.
	Net Net
}

// Side is one side of a pair.
type Side struct {
	Source string
	Key    string
	// Where keeps only records whose attributes have these values.
	Where map[string]string
}

// TypeMap is one left type and the right type it corresponds to.
type TypeMap struct{ Left, Right string }

// Fields are the fields compared once two sides meet.
type Fields struct{ Amount, Currency, Type, Time bool }

// Tolerance is how far apart compared amounts and times may be.
type Tolerance struct {
	// Absolute is per currency, in its minor units.
	Absolute map[string]int64
	// Percent is of the authoritative side's amount.
	Percent money.Ratio
	// Window is how far apart the two records' times may be.
	Window time.Duration
}

// Net sums a many side: Σ amounts, negated for Negate types, less each
// record's FeeAttr when set.
type Net struct {
	Negate  []string
	FeeAttr string
}

var namePattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// Validate checks the configuration against the scope's sources (name to
// kind); errors name the pair and the field.
func (c Config) Validate(sources map[string]string) error {
	if len(c.Pairs) > 0 && c.ReportingCurrency == "" {
		return fmt.Errorf("reporting_currency is required when pairs are declared")
	}
	if c.ReportingCurrency != "" && !money.Known(c.ReportingCurrency) {
		return fmt.Errorf("reporting_currency %q is not a known ISO 4217 code", c.ReportingCurrency)
	}
	for cur := range c.Rates {
		if !money.Known(cur) {
			return fmt.Errorf("rates: %q is not a known ISO 4217 code", cur)
		}
	}
	if err := c.Gate.validate(); err != nil {
		return fmt.Errorf("gate: %w", err)
	}
	names := map[string]bool{}
	for i, p := range c.Pairs {
		if err := p.Validate(sources); err != nil {
			return fmt.Errorf("pairs[%d] %s: %w", i, p.Name, err)
		}
		if names[p.Name] {
			return fmt.Errorf("pairs[%d]: name %q is used by another pair", i, p.Name)
		}
		names[p.Name] = true
	}
	return nil
}

func (g Gate) validate() error {
	if g.Action != GateApprove && g.Action != GateBlock {
		return fmt.Errorf("action %q: want %s or %s", g.Action, GateApprove, GateBlock)
	}
	if g.CountAbove != nil && *g.CountAbove < 0 {
		return fmt.Errorf("open_above %d is negative", *g.CountAbove)
	}
	if g.AmountAbove != nil && *g.AmountAbove < 0 {
		return fmt.Errorf("amount_above %d is negative", *g.AmountAbove)
	}
	return nil
}

// Validate checks one pair against the scope's sources (name to kind).
func (p Pair) Validate(sources map[string]string) error {
	if !namePattern.MatchString(p.Name) {
		return fmt.Errorf("name %q must match [a-z0-9-]+", p.Name)
	}
	for _, s := range []struct {
		name string
		side Side
	}{{Left, p.Left}, {Right, p.Right}} {
		if err := s.side.validate(sources); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	if err := p.validateShape(); err != nil {
		return err
	}
	if err := p.validateTypes(); err != nil {
		return err
	}
	if p.Authoritative != Left && p.Authoritative != Right {
		return fmt.Errorf("authoritative %q: want left or right", p.Authoritative)
	}
	for _, r := range p.Require {
		if r != Left && r != Right {
			return fmt.Errorf("require %q: want left or right", r)
		}
	}
	if len(p.Require) == 0 {
		return fmt.Errorf("require: name at least one side")
	}
	if p.Compare.Amount && !p.Compare.Currency {
		return fmt.Errorf("compare: amounts are only comparable in one currency; compare currency too")
	}
	for cur, v := range p.Tolerance.Absolute {
		if !money.Known(cur) {
			return fmt.Errorf("tolerance.absolute: %q is not a known ISO 4217 code", cur)
		}
		if v < 0 {
			return fmt.Errorf("tolerance.absolute.%s: %d is negative", cur, v)
		}
	}
	if p.Tolerance.Window < 0 {
		return fmt.Errorf("tolerance.window %s is negative", p.Tolerance.Window)
	}
	return nil
}

func (s Side) validate(sources map[string]string) error {
	if _, ok := sources[s.Source]; !ok {
		return fmt.Errorf("source %q is not a source of this scope", s.Source)
	}
	switch {
	case s.Key == KeyExternalID || s.Key == KeyReferenceID || s.Key == KeyPlayer:
	case strings.HasPrefix(s.Key, KeyAttrPrefix) && namePattern.MatchString(strings.ReplaceAll(strings.TrimPrefix(s.Key, KeyAttrPrefix), "_", "-")):
	default:
		return fmt.Errorf("key %q: want external_id, reference_id, player or attrs.<name>", s.Key)
	}
	for k := range s.Where {
		if k == "" {
			return fmt.Errorf("where: an attribute name is empty")
		}
	}
	return nil
}

func (p Pair) validateShape() error {
	switch p.Shape {
	case OneToOne:
		if p.Net.FeeAttr != "" || len(p.Net.Negate) > 0 {
			return fmt.Errorf("net applies to N:1 and 1:N pairs only")
		}
		return nil
	case OneToMany, ManyToOne:
		if p.Compare.Type || p.Compare.Time {
			return fmt.Errorf("compare: a group has no single type or time; compare amount and currency")
		}
		return nil
	}
	return fmt.Errorf("shape %q: want 1:1, 1:N or N:1", p.Shape)
}

// validateTypes checks the correspondence fits the shape: in 1:1 each type
// meets exactly one other; a many side's types all meet the one side's
// single type. A source matched against itself must split its types.
func (p Pair) validateTypes() error {
	if len(p.Types) == 0 {
		return fmt.Errorf("types: name at least one corresponding pair of types")
	}
	lefts, rights := map[string]bool{}, map[string]bool{}
	for _, t := range p.Types {
		if t.Left == "" || t.Right == "" {
			return fmt.Errorf("types: a type is empty")
		}
		if lefts[t.Left] && p.Shape != OneToMany {
			return fmt.Errorf("types: left type %q is listed twice", t.Left)
		}
		if rights[t.Right] && p.Shape != ManyToOne {
			return fmt.Errorf("types: right type %q is listed twice", t.Right)
		}
		lefts[t.Left], rights[t.Right] = true, true
	}
	if p.Shape == ManyToOne && len(rights) != 1 || p.Shape == OneToMany && len(lefts) != 1 {
		return fmt.Errorf("types: the one side of %s takes a single type", p.Shape)
	}
	if p.Left.Source == p.Right.Source {
		for t := range lefts {
			if rights[t] {
				return fmt.Errorf("types: %q is on both sides of a pair within source %s", t, p.Left.Source)
			}
		}
	}
	many := p.ManyTypes()
	for _, t := range p.Net.Negate {
		if !slices.Contains(many, t) {
			return fmt.Errorf("net.negate: %q is not a type of the many side", t)
		}
	}
	return nil
}

// LeftTypes and RightTypes are the distinct types each side selects.
func (p Pair) LeftTypes() []string {
	return distinct(p.Types, func(t TypeMap) string { return t.Left })
}
func (p Pair) RightTypes() []string {
	return distinct(p.Types, func(t TypeMap) string { return t.Right })
}

// ManyTypes are the types of the many side; nil for 1:1.
func (p Pair) ManyTypes() []string {
	switch p.Shape {
	case ManyToOne:
		return p.LeftTypes()
	case OneToMany:
		return p.RightTypes()
	}
	return nil
}

// Requires reports whether unmatched records of side are breaks.
func (p Pair) Requires(side string) bool { return slices.Contains(p.Require, side) }

// RightTypeOf is the right type a left type corresponds to ("" if none).
func (p Pair) RightTypeOf(left string) string {
	for _, t := range p.Types {
		if t.Left == left {
			return t.Right
		}
	}
	return ""
}

// TallyType is the type a break or a match is counted under: in 1:1 the
// left type (a right record's through the correspondence); in N:1 and 1:N
// the one side's type.
func (p Pair) TallyType(side, typ string) string {
	switch {
	case p.Shape == ManyToOne:
		return p.Types[0].Right
	case p.Shape == OneToMany:
		return p.Types[0].Left
	case side == Left:
		return typ
	}
	for _, t := range p.Types {
		if t.Right == typ {
			return t.Left
		}
	}
	return typ
}

func distinct(types []TypeMap, pick func(TypeMap) string) []string {
	var out []string
	for _, t := range types {
		if v := pick(t); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

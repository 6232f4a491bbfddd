package scope

import (
	"fmt"
	"math/big"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/settleflow/settleflow/internal/money"
	"github.com/settleflow/settleflow/internal/recon"
)

// reconFile mirrors the reconciliation section of a scope file.
type reconFile struct {
	ReportingCurrency string                 `yaml:"reporting_currency"`
	Rates             map[string]decimalText `yaml:"rates"`
	Gate              struct {
		OpenAbove   *wholeNumber `yaml:"open_above"`
		AmountAbove *wholeNumber `yaml:"amount_above"`
		Action      string       `yaml:"action"`
	} `yaml:"gate"`
	Pairs []pairFile `yaml:"pairs"`
}

type pairFile struct {
	Name          located       `yaml:"name"`
	Left          sideFile      `yaml:"left"`
	Right         sideFile      `yaml:"right"`
	Shape         string        `yaml:"shape"`
	Types         typeMapFile   `yaml:"types"`
	Compare       []string      `yaml:"compare"`
	Tolerance     toleranceFile `yaml:"tolerance"`
	Authoritative string        `yaml:"authoritative"`
	Require       []string      `yaml:"require"`
	Net           struct {
		Negate  []string `yaml:"negate"`
		FeeAttr string   `yaml:"fee_attr"`
	} `yaml:"net"`
}

type sideFile struct {
	Source string            `yaml:"source"`
	Key    string            `yaml:"key"`
	Where  map[string]string `yaml:"where"`
}

type toleranceFile struct {
	Absolute map[string]wholeNumber `yaml:"absolute"`
	Percent  decimalText            `yaml:"percent"`
	Window   string                 `yaml:"window"`
}

// decimalText keeps a number exactly as written: YAML would read 1385.25
// as a float, and a rate or percentage must never pass through one.
type decimalText struct {
	Text string
	Line int
}

func (d *decimalText) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float" && n.ShortTag() != "!!str") {
		return fmt.Errorf("line %d: want a decimal number", n.Line)
	}
	d.Text, d.Line = n.Value, n.Line
	return nil
}

// typeMapFile is the types mapping in document order: left type to right
// type, or to a list of right types for 1:N.
type typeMapFile struct {
	Pairs []recon.TypeMap
	Line  int
}

func (t *typeMapFile) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: types: want a mapping of left type to right type", n.Line)
	}
	t.Line = n.Line
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var rights []string
		switch v.Kind {
		case yaml.ScalarNode:
			rights = []string{v.Value}
		case yaml.SequenceNode:
			if err := v.Decode(&rights); err != nil {
				return fmt.Errorf("line %d: types.%s: %w", v.Line, k.Value, err)
			}
		default:
			return fmt.Errorf("line %d: types.%s: want a type or a list of types", v.Line, k.Value)
		}
		for _, r := range rights {
			t.Pairs = append(t.Pairs, recon.TypeMap{Left: k.Value, Right: r})
		}
	}
	return nil
}

// build turns the section into a validated recon.Config. Without the
// section a scope reconciles no pairs; conflicting duplicates still gate
// its cycles, through the approval gate.
func (f *reconFile) build(sources []Source) (recon.Config, error) {
	if f == nil {
		return recon.Config{Gate: recon.Gate{Action: recon.GateApprove}}, nil
	}
	c := recon.Config{ReportingCurrency: f.ReportingCurrency, Gate: recon.Gate{Action: f.Gate.Action}}
	if c.Gate.Action == "" {
		c.Gate.Action = recon.GateApprove
	}
	c.Gate.CountAbove, c.Gate.AmountAbove = int64Ptr(f.Gate.OpenAbove), int64Ptr(f.Gate.AmountAbove)
	if len(f.Rates) > 0 {
		c.Rates = make(map[string]*big.Rat, len(f.Rates))
		for cur, text := range f.Rates {
			r, err := money.ParseRate(text.Text)
			if err != nil {
				return recon.Config{}, fmt.Errorf("reconciliation.rates.%s (line %d): %w", cur, text.Line, err)
			}
			c.Rates[cur] = r
		}
	}
	kinds := make(map[string]string, len(sources))
	for _, s := range sources {
		kinds[s.Name] = s.Kind
	}
	for i, pf := range f.Pairs {
		p, err := pf.build()
		if err == nil {
			err = p.Validate(kinds)
		}
		if err != nil {
			return recon.Config{}, fmt.Errorf("reconciliation.pairs[%d] %s (line %d): %w", i, pf.Name.Value, pf.Name.Line, err)
		}
		c.Pairs = append(c.Pairs, p)
	}
	if err := c.Validate(kinds); err != nil {
		return recon.Config{}, fmt.Errorf("reconciliation: %w", err)
	}
	return c, nil
}

func (pf pairFile) build() (recon.Pair, error) {
	p := recon.Pair{Name: pf.Name.Value, Shape: pf.Shape, Types: pf.Types.Pairs, Authoritative: pf.Authoritative,
		Require: pf.Require, Net: recon.Net{Negate: pf.Net.Negate, FeeAttr: pf.Net.FeeAttr},
		Left:  recon.Side{Source: pf.Left.Source, Key: pf.Left.Key, Where: pf.Left.Where},
		Right: recon.Side{Source: pf.Right.Source, Key: pf.Right.Key, Where: pf.Right.Where},
	}
	if len(p.Require) == 0 {
		p.Require = []string{recon.Left, recon.Right}
	}
	if len(pf.Compare) == 0 {
		return p, fmt.Errorf("compare: name the fields compared (amount, currency, type, time)")
	}
	for _, field := range pf.Compare {
		switch field {
		case "amount":
			p.Compare.Amount = true
		case "currency":
			p.Compare.Currency = true
		case "type":
			p.Compare.Type = true
		case "time":
			p.Compare.Time = true
		default:
			return p, fmt.Errorf("compare: %q: want amount, currency, type or time", field)
		}
	}
	t, err := pf.Tolerance.build()
	p.Tolerance = t
	return p, err
}

func (tf toleranceFile) build() (recon.Tolerance, error) {
	var t recon.Tolerance
	if len(tf.Absolute) > 0 {
		t.Absolute = make(map[string]int64, len(tf.Absolute))
		for cur, v := range tf.Absolute {
			t.Absolute[cur] = int64(v)
		}
	}
	if tf.Percent.Text != "" {
		pct, err := money.ParsePercent(tf.Percent.Text)
		if err != nil {
			return t, fmt.Errorf("tolerance.percent (line %d): %w", tf.Percent.Line, err)
		}
		t.Percent = pct
	}
	if tf.Window != "" {
		w, err := time.ParseDuration(tf.Window)
		if err != nil {
			return t, fmt.Errorf("tolerance.window: %q is not a Go duration such as \"5m\"", tf.Window)
		}
		t.Window = w
	}
	return t, nil
}

func int64Ptr(w *wholeNumber) *int64 {
	if w == nil {
		return nil
	}
	v := int64(*w)
	return &v
}

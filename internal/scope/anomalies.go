package scope

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/settleflow/settleflow/internal/money"
	"github.com/settleflow/settleflow/internal/trend"
)

// anomaliesFile is the scope's stage-3 section: how this cycle is held
// against the scope's trailing completed cycles. A threshold left out is
// not checked.
type anomaliesFile struct {
	TrailingCycles      wholeNumber `yaml:"trailing_cycles"`
	MinHistory          wholeNumber `yaml:"min_history"`
	SeasonCycles        wholeNumber `yaml:"season_cycles"`
	VolumeChange        *percent    `yaml:"volume_change"`
	GGRChange           *percent    `yaml:"ggr_change"`
	RejectRateRise      *percent    `yaml:"reject_rate_rise"`
	DiscrepancyRateRise *percent    `yaml:"discrepancy_rate_rise"`
}

// maxTrailing keeps the history stage 3 reads small.
const maxTrailing = 366

func (f anomaliesFile) build() (trend.Thresholds, error) {
	t := trend.Thresholds{Trailing: int(f.TrailingCycles), MinHistory: int(f.MinHistory), Season: int(f.SeasonCycles),
		VolumeChange: f.VolumeChange.ratio(), GGRChange: f.GGRChange.ratio(),
		RejectRateRise: f.RejectRateRise.ratio(), DiscrepancyRateRise: f.DiscrepancyRateRise.ratio()}
	for _, n := range []struct {
		name string
		v    int
	}{{"trailing_cycles", t.Trailing}, {"min_history", t.MinHistory}, {"season_cycles", t.Season}} {
		if n.v < 0 || n.v > maxTrailing {
			return t, fmt.Errorf("%s %d must be between 0 and %d", n.name, n.v, maxTrailing)
		}
	}
	if t.Trailing > 0 && t.MinHistory > t.Trailing {
		return t, fmt.Errorf("min_history %d is more than trailing_cycles %d, so nothing could ever be flagged", t.MinHistory, t.Trailing)
	}
	return t, nil
}

// percent is a percentage such as "50%", read exactly.
type percent struct{ money.Ratio }

func (p *percent) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a percentage such as \"50%%\"", n.Line)
	}
	r, err := money.ParsePercent(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	p.Ratio = r
	return nil
}

func (p *percent) ratio() *money.Ratio {
	if p == nil {
		return nil
	}
	r := p.Ratio
	return &r
}

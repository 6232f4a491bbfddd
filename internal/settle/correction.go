package settle

import "sort"

// Correction is how one currency's figures of a source changed from one
// revision of a period to the next: a revision that pulled the source
// itself after the last one was settled from a stand-in.
type Correction struct {
	Currency      string
	Before, After Totals
}

// Difference is the change in GGR, after less before.
func (c Correction) Difference() int64 { return c.After.GGR() - c.Before.GGR() }

// Corrections pairs two revisions' totals by currency, in currency order;
// a currency only one has counts as zero in the other. Currencies whose
// totals did not change are left out.
func Corrections(before, after []Totals) []Correction {
	byCur := map[string]*Correction{}
	for _, t := range before {
		byCur[t.Currency] = &Correction{Currency: t.Currency, Before: t}
	}
	for _, t := range after {
		c, ok := byCur[t.Currency]
		if !ok {
			c = &Correction{Currency: t.Currency, Before: Totals{Currency: t.Currency}}
			byCur[t.Currency] = c
		}
		c.After = t
	}
	var out []Correction
	for cur, c := range byCur {
		if c.After.Currency == "" {
			c.After = Totals{Currency: cur}
		}
		if c.Before != c.After {
			out = append(out, *c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}

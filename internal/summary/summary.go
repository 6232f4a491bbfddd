// Package summary writes a cycle in plain language from its figures and
// their trend: what changed against the trailing cycles, what was
// rejected, which discrepancies remain open, what stage 3 flagged, and
// what the next cycle is expected to bring. The text depends on nothing
// but the figures, so it reads the same every time it is written.
package summary

import (
	"fmt"
	"strings"

	"github.com/settleflow/settleflow/internal/trend"
)

// Write returns the summary of a cycle of scope: a few sentences.
func Write(scope string, cur trend.Figures, an trend.Analysis) string {
	sentences := []string{
		headline(scope, cur, an),
		records(cur),
		discrepancies(cur.Discrepancies),
		flagged(an.Anomalies),
		outlook(an.Forecasts),
	}
	var out []string
	for _, s := range sentences {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

// headline says how GGR moved in each currency against the baseline.
func headline(scope string, cur trend.Figures, an trend.Analysis) string {
	if an.Cycles == 0 {
		var ggr []string
		for _, c := range trend.Currencies(cur) {
			ggr = append(ggr, amount(cur.GGR[c], c))
		}
		if len(ggr) == 0 {
			return fmt.Sprintf("First cycle of %s on record, with no GGR.", scope)
		}
		return fmt.Sprintf("First cycle of %s on record: GGR %s.", scope, list(ggr))
	}
	var parts []string
	named := false
	for _, ch := range an.Changes {
		if ch.Metric == trend.MetricGGR {
			parts = append(parts, ggrMove(ch, !named))
			named = named || ch.Compared
		}
	}
	if len(parts) == 0 {
		return "No GGR this cycle."
	}
	return "GGR " + list(parts) + "."
}

// ggrMove is one currency's move, naming the baseline the first time one
// is compared with it.
func ggrMove(ch trend.Change, first bool) string {
	now := amount(ch.Value, ch.Currency)
	if !ch.Compared {
		return fmt.Sprintf("in %s came to %s, against none in the trailing cycles", ch.Currency, now)
	}
	base := "the mean"
	if first {
		base = trailing(ch.Cycles)
	}
	switch {
	case ch.ChangeBP > 0:
		return fmt.Sprintf("in %s rose %s over %s to %s", ch.Currency, percent(ch.ChangeBP), base, now)
	case ch.ChangeBP < 0:
		return fmt.Sprintf("in %s fell %s below %s to %s", ch.Currency, percent(-ch.ChangeBP), base, now)
	}
	return fmt.Sprintf("in %s held at %s, %s", ch.Currency, base, now)
}

func records(cur trend.Figures) string {
	if cur.Records == 0 {
		return "No records were received."
	}
	s := count(cur.Records, "record", "records") + " received"
	if cur.Rejected == 0 {
		return s + ", none rejected."
	}
	return fmt.Sprintf("%s, %d rejected (%s).", s, cur.Rejected, percent(rateBP(cur.Rejected, cur.Records)))
}

// rateBP is n of total in basis points, rounded down: a display figure.
func rateBP(n, total int64) int64 {
	if total <= 0 {
		return 0
	}
	return n * 10000 / total
}

func discrepancies(d trend.Discrepancies) string {
	switch {
	case d.Found == 0 && d.Open == 0:
		return ""
	case d.Open == 0:
		return fmt.Sprintf("%s found, none left open.", count(d.Found, "discrepancy", "discrepancies"))
	}
	var worth []string
	for _, c := range trend.Currencies(trend.Figures{GGR: d.OpenAmount}) {
		worth = append(worth, amount(d.OpenAmount[c], c))
	}
	s := count(d.Open, "discrepancy", "discrepancies")
	if len(worth) > 0 {
		s += " worth " + list(worth)
	}
	verb := " remain open"
	if d.Open == 1 {
		verb = " remains open"
	}
	s += verb
	if l := d.Largest; l != nil && d.Open > 1 {
		s += fmt.Sprintf(", the largest %s of %s", l.Description, amount(l.Amount, l.Currency))
	}
	return s + "."
}

func flagged(anomalies []trend.Anomaly) string {
	if len(anomalies) == 0 {
		return ""
	}
	reasons := make([]string, len(anomalies))
	for i, a := range anomalies {
		reasons[i] = Anomaly(a)
	}
	return "Flagged for approval: " + strings.Join(reasons, "; ") + "."
}

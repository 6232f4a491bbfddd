package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/settleflow/settleflow/internal/money"
)

// funcs are the console templates' helpers: formatting only.
var funcs = template.FuncMap{
	"money":     formatMoney,
	"optMoney":  optMoney,
	"worth":     worth,
	"when":      when,
	"took":      took,
	"ms":        func(d time.Duration) string { return d.Round(time.Millisecond).String() },
	"pct":       func(f float64) string { return fmt.Sprintf("%.2f %%", 100*f) },
	"cyclePath": cyclePath,
	"rawText":   rawText,
	"query":     query,
	"join":      func(sep string, items []string) string { return strings.Join(items, sep) },
}

// formatMoney formats minor units in the currency's exponent.
func formatMoney(amount int64, currency string) string {
	cur, err := money.Lookup(currency)
	if err != nil {
		return fmt.Sprintf("%d (minor units of unknown %s)", amount, currency)
	}
	return money.Format(amount, cur)
}

// optMoney formats an amount that may be missing: nothing to compare, or
// no rate to value it.
func optMoney(amount *int64, currency string) string {
	if amount == nil {
		return "—"
	}
	return formatMoney(*amount, currency)
}

// worth is what open breaks are worth in the reporting currency, with
// those no rate values counted beside; a cycle whose scope names no
// reporting currency values none.
func worth(amount, unvalued int64, currency string) string {
	out := "—"
	if currency != "" {
		out = formatMoney(amount, currency)
	}
	if unvalued > 0 {
		out += fmt.Sprintf(" + %d unvalued", unvalued)
	}
	return out
}

func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func took(from, to time.Time) string {
	if from.IsZero() || to.IsZero() {
		return "—"
	}
	return to.Sub(from).Round(time.Millisecond).String()
}

// rawText shows a raw record: indented when it is JSON, as text when it is
// UTF-8, else as escaped bytes. The template escapes it for HTML.
func rawText(raw []byte) string {
	var buf bytes.Buffer
	if json.Valid(raw) && json.Indent(&buf, raw, "", "  ") == nil {
		return buf.String()
	}
	if utf8.Valid(raw) {
		return string(raw)
	}
	return fmt.Sprintf("%q", raw)
}

// query builds a query string from name, value pairs, leaving out empty
// values.
func query(pairs ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			v.Set(pairs[i], pairs[i+1])
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

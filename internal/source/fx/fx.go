// Package fx is the source adapter for daily reference rates, GET
// /v1/rates: for each date, the units of a quote currency per one unit of
// the base, as an exact decimal string. It maps the rates to canonical
// records and applies stage 1 (format) validation; rates never pass
// through a float.
package fx

import (
	"regexp"
	"strings"
	"time"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/format"
)

// ratesPath is the rates' endpoint.
const ratesPath = "/v1/rates"

// Kind registers the adapter; the feed serves at most 5000 rates a page.
var Kind = feed.NewKind(record.KindFX, 5000, ratesPath, decodePage, false)

const (
	fDate = iota
	fBase
	fQuote
	fRate
)

var names = []string{"date", "base", "quote", "rate"}

// decimal is an exact, unsigned decimal: digits, optionally a point and
// more digits, at most 30 characters so no rate is absurd.
var decimal = regexp.MustCompile(`^[0-9]{1,18}(\.[0-9]{1,12})?$`)

func decodePage(p feed.Page) source.Page {
	return format.DecodePage(p, format.NewFields(names...), "date", decode)
}

// decode maps one rate: its id is date/base/quote, it happened at the
// date's midnight UTC, and its currency is the quote's, amount 0.
func decode(f *format.Fields, r *record.Record) *format.Error {
	date := f.String(fDate, format.ReasonBadTimestamp, true)
	base := f.String(fBase, format.ReasonMissingCurrency, true)
	quote := f.String(fQuote, format.ReasonMissingCurrency, true)
	rate := f.String(fRate, format.ReasonBadRate, true)
	if fe := f.Err(); fe != nil {
		return fe
	}
	day, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return format.Errorf(format.ReasonBadTimestamp, "date: %q is not YYYY-MM-DD", date)
	}
	if !decimal.MatchString(rate) || strings.Trim(rate, "0.") == "" {
		return format.Errorf(format.ReasonBadRate, "rate: %q is not a positive exact decimal such as \"1385.25\"", rate)
	}
	*r = record.Record{Kind: record.KindFX, ExternalID: date + "/" + base + "/" + quote, Type: record.TypeRate,
		Currency: quote, OccurredAt: day, Attrs: []record.Attr{
			{Key: record.AttrDate, Value: date}, {Key: record.AttrBase, Value: base},
			{Key: record.AttrQuote, Value: quote}, {Key: record.AttrRate, Value: rate}}}
	return nil
}

package fx

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/format"
	"github.com/settleflow/settleflow/internal/source/sourcetest"
	"github.com/settleflow/settleflow/internal/source/wire"
)

const rate = `{"date":"2026-11-01","base":"USD","quote":"KRW","rate":"1385.2500"}`

func with(pairs ...string) string { return sourcetest.With(rate, pairs...) }

func TestFetchWorld(t *testing.T) {
	w := sourcetest.NewWorld(t, "")
	recs, rejs := sourcetest.FetchAll(t, w.Open(t, Kind, 1), sourcetest.From, sourcetest.To)
	var want []record.Record
	for _, r := range w.Server.Rates(sourcetest.From, sourcetest.To) {
		day, _ := time.Parse(time.DateOnly, r.Date)
		want = append(want, sourcetest.Hashed(record.Record{Kind: record.KindFX, ExternalID: r.Date + "/" + r.Base + "/" + r.Quote,
			Type: "rate", Currency: r.Quote, OccurredAt: day, Attrs: []record.Attr{{Key: "date", Value: r.Date},
				{Key: "base", Value: r.Base}, {Key: "quote", Value: r.Quote}, {Key: "rate", Value: r.Rate}}}))
	}
	if len(rejs) != 0 || len(want) == 0 || !reflect.DeepEqual(recs, want) {
		t.Fatalf("got %+v and %d rejects, want %+v", recs, len(rejs), want)
	}
}

func TestMalformedRateBecomesReject(t *testing.T) {
	for name, tc := range map[string]struct{ raw, reason, detail string }{
		"float rate":     {with("rate", `1385.25`), format.ReasonBadRate, "want a string, got number"},
		"signed rate":    {with("rate", `"-1.5"`), format.ReasonBadRate, "positive exact decimal"},
		"zero rate":      {with("rate", `"0.000"`), format.ReasonBadRate, "positive exact decimal"},
		"exponent rate":  {with("rate", `"1e3"`), format.ReasonBadRate, "positive exact decimal"},
		"comma rate":     {with("rate", `"1,385.25"`), format.ReasonBadRate, "positive exact decimal"},
		"no rate":        {with("rate", ""), format.ReasonBadRate, "rate: missing"},
		"bad date":       {with("date", `"2026-13-01"`), format.ReasonBadTimestamp, "is not YYYY-MM-DD"},
		"no date":        {with("date", ""), format.ReasonBadTimestamp, "date: missing"},
		"no quote":       {with("quote", ""), format.ReasonMissingCurrency, "quote"},
		"base as number": {with("base", `840`), format.ReasonMissingCurrency, "base: want a string"},
	} {
		p := decodePage(feed.Page{Envelope: wire.Envelope{Elements: [][]byte{[]byte(tc.raw)}}})
		if len(p.Rejects) != 1 || p.Rejects[0].Reason != tc.reason || !strings.Contains(p.Rejects[0].Detail, tc.detail) {
			t.Errorf("%s: got %+v, want %s (%q)", name, p.Rejects, tc.reason, tc.detail)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{rate, with("rate", `"0.0001"`), with("rate", `1.5`), with("date", `"2026-02-30"`)} {
		f.Add([]byte(s))
	}
	sourcetest.FuzzElement(f, rate, decodePage, func(t *testing.T, r record.Record) {
		if r.Kind != record.KindFX || r.Type != record.TypeRate || r.Amount != 0 || !decimal.MatchString(r.Attr("rate")) ||
			r.ExternalID != r.Attr("date")+"/"+r.Attr("base")+"/"+r.Attr("quote") || r.Currency != r.Attr("quote") {
			t.Fatalf("record %+v", r)
		}
	})
}

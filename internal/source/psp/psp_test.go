package psp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/format"
	"github.com/settleflow/settleflow/internal/source/sourcetest"
	"github.com/settleflow/settleflow/internal/source/wire"
)

const line = `{"line_id":"l-1","type":"deposit","reference":"pay-1","batch_id":"b-1-USD","player_id":"p-1","amount":10000,"currency":"USD","fee":250,"booked_at":"2026-11-01T03:04:05Z"}`

func with(pairs ...string) string { return sourcetest.With(line, pairs...) }

func fromSim(l sim.PSPLine) record.Record {
	ref := l.Reference
	if l.Type == sim.PSPPayout {
		ref = l.BatchID
	}
	return sourcetest.Hashed(record.Record{Kind: record.KindPSP, ExternalID: l.LineID, ReferenceID: ref, Player: l.PlayerID,
		Type: l.Type, Amount: l.Amount, Currency: l.Currency, OccurredAt: l.BookedAt,
		Attrs: []record.Attr{{Key: "fee", Value: strconv.FormatInt(l.Fee, 10)}, {Key: "batch_id", Value: l.BatchID}}})
}

func TestFetchWorldAndItsControlTotals(t *testing.T) {
	w := sourcetest.NewWorld(t, "psp_fee_mismatch=0.5")
	a := w.Open(t, Kind, 17)
	recs, rejs := sourcetest.FetchAll(t, a, sourcetest.From, sourcetest.To)
	var want []record.Record
	for _, l := range w.Server.PSPLines(sourcetest.From, sourcetest.To) {
		want = append(want, fromSim(l))
	}
	if len(rejs) != 0 || len(want) == 0 || !reflect.DeepEqual(recs, want) {
		t.Fatalf("got %d records and %d rejects, want %d records", len(recs), len(rejs), len(want))
	}
	got, err := a.(source.Summarizer).Summary(context.Background(), sourcetest.From, sourcetest.To)
	if err != nil {
		t.Fatal(err)
	}
	var wantTotals []source.DayTotal
	for _, d := range w.Server.Summary(record.KindPSP, sourcetest.From, sourcetest.To) {
		day, _ := time.Parse(time.DateOnly, d.Day)
		wantTotals = append(wantTotals, source.DayTotal{Day: day, Currency: d.Currency, Type: d.Type, Count: d.Count, Amount: d.Amount})
	}
	if len(got) == 0 || !reflect.DeepEqual(got, wantTotals) {
		t.Errorf("summary %+v, want %+v", got, wantTotals)
	}
}

// A summary the adapter cannot trust fails whole, naming the line.
func TestMalformedSummary(t *testing.T) {
	for name, body := range map[string]string{
		"float amount":   `{"days":[{"day":"2026-11-01","currency":"USD","type":"deposit","count":1,"amount":12.5}]}`,
		"bad day":        `{"days":[{"day":"01/11/2026","currency":"USD","type":"deposit","count":1,"amount":1}]}`,
		"negative count": `{"days":[{"day":"2026-11-01","currency":"USD","type":"deposit","count":-1,"amount":1}]}`,
		"no currency":    `{"days":[{"day":"2026-11-01","type":"deposit","count":1,"amount":1}]}`,
		"no days":        `{"totals":[]}`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/summary") || r.URL.Query().Get("limit") != "" {
				t.Errorf("summary asked as %s", r.URL)
			}
			w.Write([]byte(body))
		}))
		a, err := Kind.New(source.Config{Name: "psp", BaseURL: srv.URL, HTTP: srv.Client()})
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.(source.Summarizer).Summary(context.Background(), sourcetest.From, sourcetest.To)
		if !errors.Is(err, feed.ErrMalformedResponse) || !feed.IsPermanent(err) {
			t.Errorf("%s: err = %v, want a permanent malformed response", name, err)
		}
		srv.Close()
	}
}

func TestMalformedLineBecomesReject(t *testing.T) {
	for name, tc := range map[string]struct{ raw, reason, detail string }{
		"no id":                  {with("line_id", ""), format.ReasonMissingID, "line_id"},
		"unknown type":           {with("type", `"refund"`), format.ReasonBadType, `"refund" is not`},
		"no batch":               {with("batch_id", ""), format.ReasonMissingField, "batch_id"},
		"deposit without ref":    {with("reference", ""), format.ReasonMissingRef, "reference"},
		"deposit without player": {with("player_id", ""), format.ReasonMissingField, "player_id"},
		"no fee":                 {with("fee", ""), format.ReasonBadAmount, "fee: missing"},
		"float fee":              {with("fee", `2.5`), format.ReasonBadAmount, "fee: 2.5"},
		"negative fee":           {with("fee", `-1`), format.ReasonBadAmount, "fee: -1 is negative"},
		"bad time":               {with("booked_at", `"2026-11-01"`), format.ReasonBadTimestamp, "booked_at"},
	} {
		p := decodePage(feed.Page{Envelope: wire.Envelope{Elements: [][]byte{[]byte(tc.raw)}}})
		if len(p.Rejects) != 1 || p.Rejects[0].Reason != tc.reason || !strings.Contains(p.Rejects[0].Detail, tc.detail) {
			t.Errorf("%s: got %+v, want %s (%q)", name, p.Rejects, tc.reason, tc.detail)
		}
	}
	payout := with("type", `"payout"`, "reference", "", "player_id", "")
	p := decodePage(feed.Page{Envelope: wire.Envelope{Elements: [][]byte{[]byte(payout)}}})
	if len(p.Records) != 1 || p.Records[0].ReferenceID != "b-1-USD" || p.Records[0].Player != "" {
		t.Errorf("payout: %+v", p)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{line, with("type", `"payout"`), with("fee", `"250"`), `{}`} {
		f.Add([]byte(s))
	}
	sourcetest.FuzzElement(f, line, decodePage, func(t *testing.T, r record.Record) {
		fee, err := strconv.ParseInt(r.Attr("fee"), 10, 64)
		if r.Kind != record.KindPSP || r.ReferenceID == "" || r.Attr("batch_id") == "" || err != nil || fee < 0 {
			t.Fatalf("record %+v", r)
		}
		if r.Type == record.TypePayout && r.ReferenceID != r.Attr("batch_id") {
			t.Fatalf("payout %+v", r)
		}
	})
}

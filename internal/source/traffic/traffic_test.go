package traffic

import (
	"reflect"
	"strings"
	"testing"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/format"
	"github.com/settleflow/settleflow/internal/source/sourcetest"
	"github.com/settleflow/settleflow/internal/source/wire"
)

const claim = `{"event_id":"f-1","type":"ftd_claim","tracking_code":"trk-1","affiliate_id":"aff-1","campaign":"cmp-1","click_id":"c-1","player_id":"n-1","ip_hash":"ab","device_hash":"cd","amount":2500,"currency":"USD","occurred_at":"2026-11-01T03:04:05Z"}`

func with(pairs ...string) string { return sourcetest.With(claim, pairs...) }

func fromSim(e sim.TrafficEvent) record.Record {
	r := record.Record{Kind: record.KindTraffic, ExternalID: e.EventID, Type: e.Type, Amount: e.Amount, Currency: e.Currency,
		OccurredAt: e.OccurredAt, Attrs: []record.Attr{{Key: "tracking_code", Value: e.TrackingCode},
			{Key: "affiliate_id", Value: e.AffiliateID}, {Key: "campaign", Value: e.Campaign},
			{Key: "ip_hash", Value: e.IPHash}, {Key: "device_hash", Value: e.DeviceHash}}}
	switch e.Type {
	case sim.TrafficRegistration:
		r.ReferenceID, r.Player = e.ClickID, e.PlayerID
	case sim.TrafficFTDClaim:
		r.ReferenceID, r.Player = e.PlayerID, e.PlayerID
	}
	return sourcetest.Hashed(r)
}

func TestFetchWorld(t *testing.T) {
	w := sourcetest.NewWorld(t, "fake_ftd=0.5")
	recs, rejs := sourcetest.FetchAll(t, w.Open(t, Kind, 100), sourcetest.From, sourcetest.To)
	var want []record.Record
	types := map[string]int{}
	for _, e := range w.Server.TrafficEvents(sourcetest.From, sourcetest.To) {
		want = append(want, fromSim(e))
		types[e.Type]++
	}
	if len(rejs) != 0 || !reflect.DeepEqual(recs, want) {
		t.Fatalf("got %d records and %d rejects, want %d records", len(recs), len(rejs), len(want))
	}
	if len(types) != 3 {
		t.Errorf("the world served only %v", types)
	}
}

func TestMalformedEventBecomesReject(t *testing.T) {
	for name, tc := range map[string]struct{ raw, reason, detail string }{
		"no id":                 {with("event_id", ""), format.ReasonMissingID, "event_id"},
		"unknown type":          {with("type", `"impression"`), format.ReasonBadType, `"impression" is not`},
		"no tracking code":      {with("tracking_code", ""), format.ReasonMissingField, "tracking_code"},
		"no affiliate":          {with("affiliate_id", `null`), format.ReasonMissingField, "affiliate_id"},
		"claim without amount":  {with("amount", ""), format.ReasonBadAmount, "amount: missing"},
		"claim without player":  {with("player_id", ""), format.ReasonMissingRef, "player_id"},
		"registration no click": {with("type", `"registration"`, "click_id", "", "amount", ""), format.ReasonMissingRef, "click_id"},
		"click with an amount":  {with("type", `"click"`), format.ReasonBadAmount, "amount: 2500 on a click"},
		"no currency":           {with("currency", ""), format.ReasonMissingCurrency, "currency"},
		"bad time":              {with("occurred_at", `1`), format.ReasonBadTimestamp, "occurred_at"},
	} {
		p := decodePage(feed.Page{Envelope: wire.Envelope{Elements: [][]byte{[]byte(tc.raw)}}})
		if len(p.Rejects) != 1 || p.Rejects[0].Reason != tc.reason || !strings.Contains(p.Rejects[0].Detail, tc.detail) {
			t.Errorf("%s: got %+v, want %s (%q)", name, p.Rejects, tc.reason, tc.detail)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{claim, with("type", `"click"`, "amount", "0"), with("type", `"registration"`, "amount", "")} {
		f.Add([]byte(s))
	}
	sourcetest.FuzzElement(f, claim, decodePage, func(t *testing.T, r record.Record) {
		if r.Kind != record.KindTraffic || r.Attr("tracking_code") == "" || r.Attr("affiliate_id") == "" {
			t.Fatalf("record %+v lacks its tracking", r)
		}
		if r.Type != record.TypeClick && (r.ReferenceID == "" || r.Player == "") {
			t.Fatalf("record %+v lacks what it points at", r)
		}
	})
}

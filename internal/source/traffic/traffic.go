// Package traffic is the source adapter for the affiliate network's
// events, GET /v1/events: clicks with their tracking code, the
// registrations they led to, and the first deposits the network claims.
// It maps the events to canonical records and applies stage 1 (format)
// validation.
package traffic

import (
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/format"
)

// eventsPath is the network's endpoint.
const eventsPath = "/v1/events"

// Kind registers the adapter; the feed serves at most 5000 events a page.
var Kind = feed.NewKind(record.KindTraffic, 5000, eventsPath, decodePage, false)

// The event's fields, by position in names.
const (
	fID = iota
	fType
	fTracking
	fAffiliate
	fCampaign
	fClick
	fPlayer
	fIP
	fDevice
	fAmount
	fCurrency
	fOccurred
	fBooked
)

var names = []string{"event_id", "type", "tracking_code", "affiliate_id", "campaign", "click_id", "player_id",
	"ip_hash", "device_hash", "amount", "currency", "occurred_at", "booked_at"}

func decodePage(p feed.Page) source.Page {
	return format.DecodePage(p, format.NewFields(names...), "event_id", decode)
}

// decode maps one event: a registration points at its click, a claim at
// the player whose first deposit the network claims; only a claim has an
// amount.
func decode(f *format.Fields, r *record.Record) *format.Error {
	r.Kind = record.KindTraffic
	r.ExternalID = f.String(fID, format.ReasonMissingID, true)
	r.Type = f.String(fType, format.ReasonBadType, true)
	tracking := f.String(fTracking, format.ReasonMissingField, true)
	affiliate := f.String(fAffiliate, format.ReasonMissingField, true)
	campaign := f.String(fCampaign, format.ReasonMissingField, false)
	ip := f.String(fIP, format.ReasonMissingField, false)
	device := f.String(fDevice, format.ReasonMissingField, false)
	r.Amount = f.Int64(fAmount, format.ReasonBadAmount, r.Type == record.TypeFTDClaim)
	r.Currency = f.String(fCurrency, format.ReasonMissingCurrency, true)
	r.OccurredAt = f.Time(fOccurred, true)
	booked := f.Time(fBooked, false)
	if fe := f.Err(); fe != nil {
		return fe
	}
	switch r.Type {
	case record.TypeClick:
	case record.TypeRegistration:
		r.ReferenceID = f.String(fClick, format.ReasonMissingRef, true)
		r.Player = f.String(fPlayer, format.ReasonMissingField, true)
	case record.TypeFTDClaim:
		r.Player = f.String(fPlayer, format.ReasonMissingRef, true)
		r.ReferenceID = r.Player
	default:
		f.Fail(format.ReasonBadType, "type: %q is not click, registration or ftd_claim", r.Type)
	}
	if r.Type != record.TypeFTDClaim && r.Amount != 0 {
		f.Fail(format.ReasonBadAmount, "amount: %d on a %s, which has none", r.Amount, r.Type)
	}
	if fe := f.Err(); fe != nil {
		return fe
	}
	r.Attrs = append(r.Attrs, record.Attr{Key: record.AttrTrackingCode, Value: tracking},
		record.Attr{Key: record.AttrAffiliateID, Value: affiliate})
	r.Attrs = format.Optional(r.Attrs, record.AttrCampaign, campaign)
	r.Attrs = format.Optional(r.Attrs, record.AttrIPHash, ip)
	r.Attrs = format.Optional(r.Attrs, record.AttrDeviceHash, device)
	r.Attrs = format.BookedAt(r.Attrs, r.OccurredAt, booked)
	return nil
}

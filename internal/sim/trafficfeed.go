package sim

import (
	"fmt"
	"time"
)

// trafficFeed serves GET /v1/events: per PSP business day, the affiliate
// network's clicks, the registrations some of them led to, and a claim for
// every first deposit of a player it brought (and, with fake_ftd, for some
// it did not).
type trafficFeed struct {
	w      *world
	chunks *memo[int64, *chunk]
}

// Traffic refs: kind<<32 | index (a click's number, or a registration's
// index in the window).
const (
	refClick uint64 = iota
	refRegistration
	refClaim
	refFakeClaim
)

func newTrafficFeed(w *world) *trafficFeed {
	return &trafficFeed{w: w, chunks: newMemo[int64, *chunk](4)}
}

func (f *trafficFeed) keys(from, to time.Time) []int64 { return f.w.windowKeys(from, to) }

func (f *trafficFeed) part(num int64, from, to time.Time) (*chunk, span) {
	c := f.chunks.get(num, func() *chunk {
		win := f.w.window(num)
		n := f.w.ClicksPerDay + 3*len(win.regs)
		secs, refs := make([]int32, 0, n), make([]uint64, 0, n)
		for i := range f.w.ClicksPerDay {
			secs, refs = append(secs, f.w.click(num, i).sec), append(refs, refClick<<32|uint64(i))
		}
		for i, r := range win.regs {
			secs, refs = append(secs, r.sec), append(refs, refRegistration<<32|uint64(i))
			if r.ftd >= 0 {
				secs, refs = append(secs, r.ftdSec), append(refs, refClaim<<32|uint64(i))
			}
			if r.fake {
				secs, refs = append(secs, r.ftdSec), append(refs, refFakeClaim<<32|uint64(i))
			}
		}
		return sortChunk(secs, refs)
	})
	return c, c.part(f.w.windowSeconds(num, from, to))
}

func (f *trafficFeed) record(num int64, c *chunk, i int) TrafficEvent {
	win := f.w.window(num)
	kind, idx := c.refs[i]>>32, int(c.refs[i]&0xffffffff)
	if kind == refClick {
		return f.w.clickEvent(win, idx)
	}
	r := win.regs[idx]
	e := f.w.clickEvent(win, int(r.click))
	e.ClickID = e.EventID
	e.OccurredAt = time.Unix(win.start+int64(r.sec), 0).UTC()
	switch kind {
	case refRegistration:
		e.EventID, e.Type, e.PlayerID = registrationID(win, r.click), TrafficRegistration, newPlayerID(win, r.click)
	case refClaim:
		e.EventID, e.Type, e.PlayerID = claimID(win, r.click), TrafficFTDClaim, newPlayerID(win, r.click)
	case refFakeClaim:
		e.EventID, e.Type, e.PlayerID = claimID(win, r.click)+"-x", TrafficFTDClaim, fakePlayerID(win, r.click)
	}
	if kind != refRegistration {
		e.Amount, e.OccurredAt = r.amount, time.Unix(win.start+int64(r.ftdSec), 0).UTC()
	}
	return e
}

// clickInfo is what a click's hash decides.
type clickInfo struct {
	sec        int32
	aff, camp  int
	currency   string // the affiliate's deal currency
	ip, device uint64
}

// click derives click i of window num from hashes alone, so a day of a
// million clicks costs only their served order.
func (w *world) click(num int64, i int) clickInfo {
	h := mix(uint64(w.provider.Seed), saltClick, uint64(num), uint64(i))
	aff := int(mix(h, 1) % uint64(w.Affiliates))
	c := clickInfo{sec: int32(h % (lastSec + 1)), aff: aff, camp: int(mix(h, 2) % uint64(w.CampaignsPerAff)),
		ip: mix(h, 3), device: mix(h, 4)}
	c.currency = w.provider.Currencies[aff%len(w.provider.Currencies)]
	return c
}

func (w *world) clickEvent(win *window, i int) TrafficEvent {
	c := w.click(win.num, i)
	return TrafficEvent{EventID: clickID(win, i), Type: TrafficClick,
		TrackingCode: fmt.Sprintf("trk-%03d-%02d", c.aff, c.camp), AffiliateID: fmt.Sprintf("aff-%03d", c.aff),
		Campaign: fmt.Sprintf("cmp-%03d-%02d", c.aff, c.camp), IPHash: hashHex(c.ip), DeviceHash: hashHex(c.device),
		Currency: c.currency, OccurredAt: time.Unix(win.start+int64(c.sec), 0).UTC()}
}

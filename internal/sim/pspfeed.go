package sim

import (
	"strconv"
	"time"
)

// pspFeed serves GET /v1/settlement-report: per PSP business day, a line
// for every deposit, withdrawal and chargeback as it happens, then one
// payout per currency in the day's last second, paying the day's lines out
// net of their fees.
type pspFeed struct {
	w      *world
	chunks *memo[int64, *chunk]
}

// payoutRef marks a payout in a PSP chunk; other refs index the events.
const payoutRef uint64 = 1 << 32

func newPSPFeed(w *world) *pspFeed { return &pspFeed{w: w, chunks: newMemo[int64, *chunk](8)} }

func (f *pspFeed) keys(from, to time.Time) []int64 { return f.w.windowKeys(from, to) }

func (f *pspFeed) part(num int64, from, to time.Time) (*chunk, span) {
	c := f.chunks.get(num, func() *chunk {
		win := f.w.window(num)
		var secs []int32
		var refs []uint64
		for i, e := range win.events {
			if e.kind != cashBonus {
				secs, refs = append(secs, e.sec), append(refs, uint64(i))
			}
		}
		for i := range win.batches {
			secs, refs = append(secs, payoutSec), append(refs, payoutRef|uint64(i))
		}
		return sortChunk(secs, refs)
	})
	return c, c.part(f.w.windowSeconds(num, from, to))
}

func (f *pspFeed) record(num int64, c *chunk, i int) PSPLine {
	win := f.w.window(num)
	if ref := c.refs[i]; ref&payoutRef != 0 {
		return f.w.payoutLine(win, win.batches[ref&^payoutRef])
	}
	return f.w.pspLine(win, win.events[c.refs[i]])
}

func (w *world) pspLine(win *window, e cashEvent) PSPLine {
	cur := w.provider.Currencies[e.cur]
	l := PSPLine{LineID: pspLineID(win, e.seq), Reference: paymentRef(win, e.seq), BatchID: batchID(win, cur),
		PlayerID: w.playerOf(win, e), Amount: e.amount, Currency: cur, Fee: e.fee + e.feeOff,
		BookedAt: time.Unix(win.start+int64(e.sec), 0).UTC()}
	switch e.kind {
	case cashDeposit:
		l.Type = PSPDeposit
	case cashWithdrawal:
		l.Type = PSPWithdrawal
	case cashChargeback:
		l.Type, l.Reference = PSPChargeback, paymentRef(win, e.target)
	}
	return l
}

func (w *world) payoutLine(win *window, b batch) PSPLine {
	cur := w.provider.Currencies[b.cur]
	return PSPLine{LineID: payoutID(win, cur), Type: PSPPayout, BatchID: batchID(win, cur), Amount: b.amount,
		Currency: cur, Fee: b.fee, BookedAt: time.Unix(win.start+payoutSec, 0).UTC()}
}

// fxFeed serves GET /v1/rates: each UTC day at midnight, the rate of every
// currency of the world against the base currency.
type fxFeed struct {
	w      *world
	quotes []string
	day    *chunk // every rate of a day, booked at its second 0
}

func newFXFeed(w *world) *fxFeed {
	f := &fxFeed{w: w}
	for _, c := range w.provider.Currencies {
		if c != w.BaseCurrency {
			f.quotes = append(f.quotes, c)
		}
	}
	secs, refs := make([]int32, len(f.quotes)), make([]uint64, len(f.quotes))
	for i := range refs {
		refs[i] = uint64(i)
	}
	f.day = sortChunk(secs, refs)
	return f
}

func (f *fxFeed) keys(from, to time.Time) []int64 { return dayKeys(from, to) }

func (f *fxFeed) part(num int64, from, to time.Time) (*chunk, span) {
	return f.day, f.day.part(daySeconds(num, from, to))
}

func (f *fxFeed) record(num int64, c *chunk, i int) Rate {
	quote := f.quotes[c.refs[i]]
	return Rate{Date: time.Unix(num*secondsPerDay, 0).UTC().Format(time.DateOnly), Base: f.w.BaseCurrency,
		Quote: quote, Rate: f.w.rate(num, quote)}
}

// referenceRates are units of a currency per US dollar, in ten-thousandths,
// around which the simulated rates move; other currencies sit at 1.
var referenceRates = map[string]int64{
	"KRW": 13_800_000, "JPY": 1_500_000, "EUR": 9_200, "GBP": 7_900, "CNY": 72_000, "VND": 254_000_000,
	"USD": 10_000, "CAD": 13_800, "AUD": 15_300, "BRL": 55_000, "INR": 840_000, "KWD": 3_070,
}

// rate is quote's rate against the base on day num, exact to four
// decimals: within 2% of the reference, deterministic by seed and day.
func (w *world) rate(num int64, quote string) string {
	per := func(c string) int64 {
		if r, ok := referenceRates[c]; ok {
			return r
		}
		return 10_000
	}
	noise := int64(mix(uint64(w.provider.Seed), saltRate, uint64(num), uint64(w.currencyIndex(quote)))%401) - 200
	// units of quote per base = (quote per USD) / (base per USD)
	v := per(quote) * (10_000 + noise) / per(w.BaseCurrency)
	return decimal4(max(v, 1))
}

// decimal4 writes ten-thousandths as a decimal with four places.
func decimal4(v int64) string {
	s := strconv.FormatInt(v/10_000, 10) + "."
	frac := strconv.FormatInt(v%10_000, 10)
	for range 4 - len(frac) {
		s += "0"
	}
	return s + frac
}

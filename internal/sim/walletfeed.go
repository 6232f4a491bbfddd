package sim

import "time"

// walletFeed serves GET /v1/ledger: for a range, the game entries of each
// UTC day it touches, then the cash entries of each PSP business day. A
// cash entry is served by the range holding its booking time; a late one
// (late_arrival) is booked, and served, up to two business days on.
type walletFeed struct {
	w    *world
	days *memo[int64, *walletDay]
	cash *memo[int64, *chunk]
}

// windowKeyBase sets business days' chunk keys apart from days'.
const windowKeyBase int64 = 1 << 40

func isWindowKey(key int64) bool { return key >= windowKeyBase/2 }

func newWalletFeed(w *world) *walletFeed {
	return &walletFeed{w: w, days: newMemo[int64, *walletDay](cachedDays), cash: newMemo[int64, *chunk](8)}
}

func (f *walletFeed) day(num int64) *walletDay {
	return f.days.get(num, func() *walletDay { return f.w.buildWalletDay(num) })
}

func (f *walletFeed) keys(from, to time.Time) []int64 {
	keys := dayKeys(from, to)
	for _, k := range f.w.windowKeys(from, to) {
		keys = append(keys, windowKeyBase+k)
	}
	return keys
}

func (f *walletFeed) part(key int64, from, to time.Time) (*chunk, span) {
	if isWindowKey(key) {
		num := key - windowKeyBase
		c := f.cashChunk(num)
		return c, c.part(f.w.windowSeconds(num, from, to))
	}
	d := f.day(key)
	return d.chunk, d.part(daySeconds(key, from, to))
}

func (f *walletFeed) record(key int64, c *chunk, i int) WalletEntry {
	if isWindowKey(key) {
		num := key - windowKeyBase
		delta, idx := c.refs[i]>>32, int(c.refs[i]&0xffffffff)
		win := f.w.window(num - int64(delta))
		return f.w.cashEntry(win, win.events[idx])
	}
	return f.w.mirror(f.day(key).day, c.refs[i], c.secs[i])
}

// cashChunk is the wallet's cash entries booked in business day num: its
// own, less the late ones, and the late ones of the two before it.
func (f *walletFeed) cashChunk(num int64) *chunk {
	return f.cash.get(num, func() *chunk {
		start := f.w.windowStart(num)
		var secs []int32
		var refs []uint64
		for delta := range int64(3) {
			win := f.w.window(num - delta)
			for idx, e := range win.events {
				if e.kind == cashChargeback {
					continue
				}
				if at := f.w.bookedAt(win, e) - start; at >= 0 && at < secondsPerDay {
					secs, refs = append(secs, int32(at)), append(refs, uint64(delta)<<32|uint64(idx))
				}
			}
		}
		return sortChunk(secs, refs)
	})
}

// cashSec is when the wallet records a cash movement: zero to three
// seconds after the PSP, within the same minute.
func (w *world) cashSec(win *window, e cashEvent) int64 {
	d := int32(mix(uint64(w.provider.Seed), saltDelay, uint64(windowKeyBase+win.num), uint64(e.seq)) % 4)
	return int64(e.sec + min(d, 59-e.sec%60))
}

// bookedAt is the Unix second the wallet books a cash movement.
func (w *world) bookedAt(win *window, e cashEvent) int64 {
	at := win.start + w.cashSec(win, e)
	if e.late {
		at += int64(w.LateBy / time.Second)
	}
	return at
}

// cashEntry materialises a wallet cash entry.
func (w *world) cashEntry(win *window, e cashEvent) WalletEntry {
	created := time.Unix(win.start+w.cashSec(win, e), 0).UTC()
	out := WalletEntry{EntryID: cashEntryID(win, e.seq), PlayerID: w.playerOf(win, e), Amount: e.amount,
		Currency: w.provider.Currencies[e.cur], CreatedAt: created, FirstDeposit: e.first}
	switch e.kind {
	case cashDeposit:
		out.Type, out.PSPReference = WalletDeposit, paymentRef(win, e.seq)
	case cashWithdrawal:
		out.Type, out.PSPReference = WalletWithdrawal, paymentRef(win, e.seq)
	case cashBonus:
		out.Type, out.BonusID = WalletBonusCredit, bonusID(win, e.seq)
	}
	if e.late {
		booked := time.Unix(w.bookedAt(win, e), 0).UTC()
		out.BookedAt = &booked
	}
	return out
}

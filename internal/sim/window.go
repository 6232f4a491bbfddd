package sim

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/settleflow/settleflow/internal/money"
)

// A window is one business day of the PSP, [cut-off − 24h, cut-off): its
// cash movements (deposits, withdrawals, chargebacks, bonuses), the
// affiliate traffic that brings new players, and the payout batches that
// close it. The wallet, the PSP report and the affiliate network are all
// served from windows, so they agree; the provider and the wallet's game
// entries are served from UTC days (see walletday.go).

// cashKind is what a cash movement is.
type cashKind uint8

const (
	cashDeposit cashKind = iota
	cashWithdrawal
	cashChargeback
	cashBonus
)

// cashEvent is one cash movement of a window.
type cashEvent struct {
	seq    int32 // generation order; the movement's ids derive from it
	sec    int32 // second of the window it happens at
	kind   cashKind
	first  bool  // a new player's first deposit
	late   bool  // the wallet books it LateBy late (late_arrival)
	cur    uint8 // index in the world's currencies
	player int32 // an existing player, or -1-i for registration i's new player
	amount int64
	fee    int64 // the PSP's fee, as its payout deducts it
	feeOff int64 // what the PSP's line reports on top of fee (psp_fee_mismatch)
	target int32 // chargeback: seq of the deposit it charges back
}

// registration is a new player: click i of the window's clicks registered.
type registration struct {
	click  int32
	sec    int32
	ftd    int32 // seq of the first deposit, -1 for none
	ftdSec int32
	amount int64 // of the first deposit
	fake   bool  // the affiliate also claims a first deposit it did not bring (fake_ftd)
}

// batch is one currency's payout of the window.
type batch struct {
	cur    int
	amount int64 // paid out: deposits − withdrawals − chargebacks − fees
	fee    int64 // fees deducted
	lines  int
}

type window struct {
	num     int64
	start   int64  // Unix seconds
	label   string // the business date, YYYYMMDD, in ids
	events  []cashEvent
	regs    []registration
	batches []batch
}

// payoutSec is when a window's batches are booked: its last second.
const payoutSec = secondsPerDay - 1

// windowOf is the window holding Unix second t.
func (w *world) windowOf(t int64) int64 { return floorDiv(t-w.cutoff, secondsPerDay) }

func (w *world) windowStart(num int64) int64 { return num*secondsPerDay + w.cutoff }

// windowKeys are the windows [from, to) touches.
func (w *world) windowKeys(from, to time.Time) []int64 {
	first, last := w.windowOf(from.Unix()), w.windowOf(ceilUnix(to)-1)
	keys := make([]int64, 0, last-first+1)
	for k := first; k <= last; k++ {
		keys = append(keys, k)
	}
	return keys
}

// windowSeconds is the part of [from, to) inside window num, in seconds of
// the window.
func (w *world) windowSeconds(num int64, from, to time.Time) (lo, hi int) {
	start := w.windowStart(num)
	clamp := func(s int64) int { return int(min(max(s-start, 0), secondsPerDay)) }
	return clamp(ceilUnix(from)), clamp(ceilUnix(to))
}

// buildWindow generates window num from its own random stream.
func (w *world) buildWindow(num int64) *window {
	win := &window{num: num, start: w.windowStart(num)}
	win.label = time.Unix(win.start+payoutSec, 0).UTC().Format("20060102")
	g := &cashGen{w: w, win: win, rng: rand.New(rand.NewPCG(uint64(w.provider.Seed)^mix(saltWindow), uint64(num)))}
	g.movements(cashDeposit, w.DepositsPerDay)
	g.movements(cashWithdrawal, w.WithdrawalsPerDay)
	g.movements(cashBonus, w.BonusesPerDay)
	g.registrations()
	g.chargebacks()
	slices.SortFunc(win.events, func(a, b cashEvent) int {
		if a.sec != b.sec {
			return int(a.sec - b.sec)
		}
		return int(a.seq - b.seq)
	})
	win.events = w.payable(win.events)
	win.batches = w.payouts(win)
	w.markBreaks(win)
	return win
}

// cashGen draws one window's movements in a fixed order.
type cashGen struct {
	w    *world
	win  *window
	rng  *rand.Rand
	next int32 // the next movement's seq
}

// add appends a movement and returns its seq.
func (g *cashGen) add(e cashEvent) int32 {
	e.seq = g.next
	g.next++
	g.win.events = append(g.win.events, e)
	return e.seq
}

// lastSec is the last second a movement may happen at, before the payout.
const lastSec = payoutSec - 1

// movements draws n movements of existing players.
func (g *cashGen) movements(kind cashKind, n int) {
	players := g.w.provider.Players
	for range n {
		p := g.rng.IntN(players)
		cur := playerCurrency(g.w.provider, p)
		sec := g.rng.IntN(lastSec + 1)
		amount := cashAmount(g.rng, cur, kind == cashBonus)
		g.add(cashEvent{sec: int32(sec), kind: kind, cur: uint8(g.w.currencyIndex(cur)), player: int32(p), amount: amount})
	}
}

// registrations turns the window's first clicks into new players, some of
// whom deposit the same day. A registration or deposit that would fall
// past the window's end does not happen; its draws are spent either way.
func (g *cashGen) registrations() {
	for i := range g.w.RegistrationsPerDay {
		c := g.w.click(g.win.num, i)
		reg := int(c.sec) + 10 + g.rng.IntN(1800)
		deposits := g.rng.IntN(100) < g.w.FTDPercent
		at := reg + 60 + g.rng.IntN(3600)
		amount := cashAmount(g.rng, c.currency, false)
		if reg > lastSec {
			continue
		}
		r := registration{click: int32(i), sec: int32(reg), ftd: -1}
		if deposits && at <= lastSec {
			r.ftdSec, r.amount = int32(at), amount
			r.ftd = g.add(cashEvent{sec: int32(at), kind: cashDeposit, first: true, cur: uint8(g.w.currencyIndex(c.currency)),
				player: int32(-1 - i), amount: amount})
		}
		g.win.regs = append(g.win.regs, r)
	}
}

// chargebacks charges back some deposits of existing players later the
// same day.
func (g *cashGen) chargebacks() {
	n := len(g.win.events)
	for i := range n {
		d := g.win.events[i]
		if d.kind != cashDeposit || d.first {
			continue
		}
		hit := g.rng.IntN(1000) < g.w.ChargebackPerMille
		at := int(d.sec) + 600 + g.rng.IntN(6*3600)
		if hit && at <= lastSec {
			g.add(cashEvent{sec: int32(at), kind: cashChargeback, cur: d.cur, player: d.player, amount: d.amount, target: d.seq})
		}
	}
}

// payable sets each PSP line's fee and drops the withdrawals and
// chargebacks that would take a currency's balance with the PSP to zero
// or below: the PSP pays out what it holds, so every batch is positive.
func (w *world) payable(events []cashEvent) []cashEvent {
	balance := make([]int64, len(w.provider.Currencies))
	out := events[:0]
	for _, e := range events {
		if e.kind != cashBonus {
			e.fee, _ = w.fee.Apply(e.amount, money.HalfEven) // amounts are far from overflowing
			switch e.kind {
			case cashDeposit:
				balance[e.cur] += e.amount - e.fee
			default:
				if balance[e.cur]-e.amount-e.fee <= 0 {
					continue
				}
				balance[e.cur] -= e.amount + e.fee
			}
		}
		out = append(out, e)
	}
	return out
}

// payouts sums each currency's lines into its batch.
func (w *world) payouts(win *window) []batch {
	byCur := make([]batch, len(w.provider.Currencies))
	for _, e := range win.events {
		if e.kind == cashBonus {
			continue
		}
		b := &byCur[e.cur]
		b.lines++
		b.fee += e.fee
		if e.kind == cashDeposit {
			b.amount += e.amount - e.fee
		} else {
			b.amount -= e.amount + e.fee
		}
	}
	var out []batch
	for i, b := range byCur {
		if b.lines > 0 {
			b.cur = i
			out = append(out, b)
		}
	}
	return out
}

// markBreaks injects the window's breaks: late wallet bookings, fee
// mismatches and fake first-deposit claims.
func (w *world) markBreaks(win *window) {
	seed := uint64(w.provider.Seed)
	for i := range win.events {
		e := &win.events[i]
		if (e.kind == cashDeposit && !e.first || e.kind == cashWithdrawal) &&
			unit(mix(seed, saltLate, uint64(win.num), uint64(e.seq))) < w.rates.lateArrival {
			e.late = true
		}
	}
	for _, b := range win.batches {
		h := mix(seed, saltFee, uint64(win.num), uint64(b.cur))
		if unit(h) >= w.rates.pspFeeMismatch {
			continue
		}
		k := int(mix(h) % uint64(b.lines))
		for i := range win.events {
			if e := &win.events[i]; e.kind != cashBonus && int(e.cur) == b.cur {
				if k == 0 {
					e.feeOff = max(1, e.fee/10)
					break
				}
				k--
			}
		}
	}
	for i := range win.regs {
		r := &win.regs[i]
		r.fake = r.ftd >= 0 && unit(mix(seed, saltFake, uint64(win.num), uint64(r.click))) < w.rates.fakeFTD
	}
}

// cashAmount draws a cash movement in minor units: 10 to 500 in the
// currency's main unit, a tenth of that for a bonus.
func cashAmount(rng *rand.Rand, currency string, bonus bool) int64 {
	lo, n := int64(1000), int64(49001)
	if currencyExponent(currency) == 0 {
		lo, n = 10_000, 491
		v := lo + rng.Int64N(n)*1000
		if bonus {
			return v / 10
		}
		return v
	}
	v := lo + rng.Int64N(n)
	if bonus {
		return v / 10
	}
	return v
}

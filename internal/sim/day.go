package sim

import (
	"math/rand/v2"
	"sort"
	"time"
)

const secondsPerDay = 86400

// round is one game round as drawn from the day's RNG, packed in 12 bytes.
// A day is kept as these draws plus an index instead of Transaction values,
// so a million rounds cost 12 MB rather than gigabytes of strings.
type round struct {
	player uint32
	stake  uint32 // bet in minor units | win percent << betBits
	timing uint32 // bet second | settle offset << secBits | game << gameShift | outcome << outcomeShift
}

// Field widths: a bet is at most 100,000 minor units, a win percent at most
// 410, a bet second at most 86,368, a settle offset at most 30 seconds, and
// there are 8 games (TestRoundPacking checks each against its field).
const (
	betBits      = 17
	secBits      = 17
	settleBits   = 5
	gameBits     = 3
	gameShift    = secBits + settleBits
	outcomeShift = gameShift + gameBits
)

// Round outcomes; a loss has no settlement record.
const (
	outcomeLoss uint8 = iota
	outcomeRollback
	outcomeWin
)

func newRound(player, game, sec int, bet int64, settle int, outcome uint8, pct int) round {
	return round{
		player: uint32(player),
		stake:  uint32(bet) | uint32(pct)<<betBits,
		timing: uint32(sec) | uint32(settle)<<secBits | uint32(game)<<gameShift | uint32(outcome)<<outcomeShift,
	}
}

func (r round) bet() int64     { return int64(r.stake & (1<<betBits - 1)) }
func (r round) pct() int64     { return int64(r.stake >> betBits) }
func (r round) sec() int       { return int(r.timing & (1<<secBits - 1)) }
func (r round) settle() int    { return int(r.timing>>secBits) & (1<<settleBits - 1) }
func (r round) game() string   { return gameCodes[r.timing>>gameShift&(1<<gameBits-1)] }
func (r round) outcome() uint8 { return uint8(r.timing >> outcomeShift) }

// settleSec is the second of the day the round settles.
func (r round) settleSec() int { return r.sec() + r.settle() }

// dayRNG is the day's own stream, so any day can be generated alone.
func dayRNG(cfg ProviderConfig, num int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(num)))
}

// drawRound takes one round's draws from the day's stream. The draws and
// their order (player, game, bet second, stake, settle offset, outcome and,
// for wins only, the multiplier) are the feed's identity: every day ever
// served depends on them, so everything that reads a day goes through here.
func drawRound(cfg ProviderConfig, rng *rand.Rand) round {
	player := rng.IntN(cfg.Players)
	game := rng.IntN(len(gameCodes))
	sec := rng.IntN(secondsPerDay - maxRoundSeconds - 1)
	bet := betAmount(rng, playerCurrency(cfg, player))
	settle := 1 + rng.IntN(maxRoundSeconds)
	outcome, pct := outcomeLoss, 0
	switch draw := rng.IntN(1000); {
	case draw < rollbackPerMille:
		outcome = outcomeRollback
	case draw < rollbackPerMille+winPerMille:
		outcome = outcomeWin
		pct = minWinPercent + rng.IntN(maxWinPercent-minWinPercent+1)
	}
	return newRound(player, game, sec, bet, settle, outcome, pct)
}

// entry names one record of a day: round<<4 | kind<<1 | settle. kind is 0
// for the valid record and 1 + the position in invalidKinds for the invalid
// record derived from it; settle picks the round's settlement over its bet.
type entry uint32

func newEntry(round int, settle bool, kind int) entry {
	e := entry(round)<<4 | entry(kind)<<1
	if settle {
		e |= 1
	}
	return e
}

func (e entry) round() int           { return int(e >> 4) }
func (e entry) settle() bool         { return e&1 != 0 }
func (e entry) kind() int            { return int(e>>1) & 7 }
func (e entry) base() entry          { return e &^ 0xe }
func (e entry) withKind(k int) entry { return e.base() | entry(k)<<1 }

// compactDay is one UTC day of the feed: its rounds and every record it
// serves, in served order, as entries.
type compactDay struct {
	num    int64     // days since the Unix epoch
	start  time.Time // midnight UTC
	stamp  string    // YYYYMMDD, as in ids
	rounds []round
	// index is the day's served order: the out-of-period block (its first
	// oop entries, by origin), then every other record by (timestamp,
	// transaction_id).
	index []entry
	oop   int
	// holes are the runs of index positions the feed drops (missing_page),
	// in order; its control totals still count them.
	holes []span
}

// buildDay generates day num from its RNG stream.
func buildDay(cfg ProviderConfig, num int64) *compactDay {
	start := time.Unix(num*secondsPerDay, 0).UTC()
	d := &compactDay{num: num, start: start, stamp: start.Format("20060102")}
	d.rounds = drawDay(cfg, num)
	valid, starts := d.sortValid()
	var orphan func(entry) bool
	if cfg.breaks.orphanRollback > 0 {
		orphan = func(e entry) bool { return cfg.hasOrphan(num, e.round(), e.settle()) }
	}
	d.index, d.oop = placeInvalid(valid, starts, cfg.Faults.InvalidEvery, orphan)
	d.holes = droppedPages(cfg, num, len(d.index))
	return d
}

// fullDayCount is how many records a whole day serves. It replays the day's
// draws without keeping them, so totals over long ranges stay cheap.
func fullDayCount(cfg ProviderConfig, num int64) int {
	rng := dayRNG(cfg, num)
	valid, orphans := 0, 0
	orphan := func(i int, settle bool) {
		if cfg.breaks.orphanRollback > 0 && cfg.hasOrphan(num, i, settle) {
			orphans++
		}
	}
	for i := range cfg.RoundsPerDay {
		valid++
		orphan(i, false)
		if drawRound(cfg, rng).outcome() != outcomeLoss {
			valid++
			orphan(i, true)
		}
	}
	n := valid + invalidCount(valid, cfg.Faults.InvalidEvery) + orphans
	for _, h := range droppedPages(cfg, num, n) {
		n -= h.len()
	}
	return n
}

// sec is the second of the day an entry's record originates at (for an
// out-of-period record, the second of the record it was derived from).
func (d *compactDay) sec(e entry) int {
	r := d.rounds[e.round()]
	if e.settle() {
		return r.settleSec()
	}
	return r.sec()
}

// span is a half-open range of positions in a day's index.
type span struct{ lo, hi int }

func (s span) len() int { return s.hi - s.lo }

// spans returns the parts of the index whose records originate in seconds
// [lo, hi) of the day: the out-of-period block and the rest. Both parts are
// ordered by origin, so each is a contiguous run found by binary search, and
// served one after the other they are the day's list for a sub-range.
func (d *compactDay) spans(lo, hi int) (oop, rest span) {
	oop = d.within(0, d.oop, lo, hi)
	rest = d.within(d.oop, len(d.index), lo, hi)
	return oop, rest
}

func (d *compactDay) within(from, to, lo, hi int) span {
	first := func(sec int) int {
		return from + sort.Search(to-from, func(i int) bool { return d.sec(d.index[from+i]) >= sec })
	}
	return span{first(lo), first(hi)}
}

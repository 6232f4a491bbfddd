package sim

import (
	"math/rand/v2"
	"time"
)

// Transaction is one record of the aggregator feed, tagged exactly as the wire
// format.
type Transaction struct {
	TransactionID    string    `json:"transaction_id"`
	RoundID          string    `json:"round_id"`
	PlayerID         string    `json:"player_id"`
	GameCode         string    `json:"game_code"`
	Type             string    `json:"type"`
	Amount           int64     `json:"amount"`
	Currency         string    `json:"currency"`
	Timestamp        time.Time `json:"timestamp"`
	RefTransactionID string    `json:"ref_transaction_id"`
}

// Transaction types on the wire.
const (
	TypeBet      = "bet"
	TypeWin      = "win"
	TypeRollback = "rollback"
)

var gameCodes = []string{
	"slot-dragon", "slot-pharaoh", "slot-fruits", "slot-wolf",
	"live-baccarat", "live-roulette", "live-blackjack", "crash-rocket",
}

// Per-mille outcome thresholds and win multiplier (percent) range. A 40% win
// rate at a mean multiplier of 2.30 gives 92% RTP; with 2% rollbacks GGR is
// positive over many rounds, but one currency's day of a few hundred rounds
// can still come out negative (as real days do).
const (
	rollbackPerMille = 20
	winPerMille      = 400
	minWinPercent    = 50
	maxWinPercent    = 410
	// Settle inside the round's day so a day's records never leak into the next.
	maxRoundSeconds = 30
)

// GenerateTransactions returns the feed for [from, to) in served order: day
// by day, each day's out-of-period records first, then its records by
// (timestamp, transaction_id). Each UTC day touched by the period is
// generated from its own RNG stream (seed, day), and a record belongs to the
// request whose range holds its origin, so any sub-range returns exactly the
// records the full range has for it.
func GenerateTransactions(cfg ProviderConfig, from, to time.Time) []Transaction {
	var out []Transaction
	eachRecord(cfg, from, to, func(tx Transaction, _ string) { out = append(out, tx) })
	return out
}

// ExpectedValid is the feed with every injected invalid record removed: what a
// correct validation pipeline should accept for the period.
func ExpectedValid(cfg ProviderConfig, from, to time.Time) []Transaction {
	cfg.Faults.InvalidEvery = 0
	return GenerateTransactions(cfg, from, to)
}

// eachRecord calls fn with every record of [from, to) in served order, and
// its invalid kind ("" for valid records). Days are built one at a time and
// dropped, so only the caller's own collection grows with the period.
func eachRecord(cfg ProviderConfig, from, to time.Time, fn func(Transaction, string)) {
	cfg = cfg.normalized()
	first, last := dayRange(from, to)
	for num := first; num <= last; num++ {
		d := buildDay(cfg, num)
		oop, rest := d.spans(daySeconds(num, from, to))
		d.walk(oop, rest, 0, d.served(oop)+d.served(rest), func(i int) { fn(d.record(cfg, d.index[i])) })
	}
}

// dayRange is the first and last UTC day (days since the epoch) whose
// midnight is before to, starting from the day that holds from.
func dayRange(from, to time.Time) (first, last int64) {
	return floorDiv(from.Unix(), secondsPerDay), floorDiv(ceilUnix(to)-1, secondsPerDay)
}

// daySeconds is the part of [from, to) inside day num, in whole seconds of
// the day: records fall on whole seconds, so [from, to) holds second s of
// the day exactly when lo <= s < hi.
func daySeconds(num int64, from, to time.Time) (lo, hi int) {
	start := num * secondsPerDay
	clamp := func(s int64) int { return int(min(max(s-start, 0), secondsPerDay)) }
	return clamp(ceilUnix(from)), clamp(ceilUnix(to))
}

// ceilUnix is t in Unix seconds, rounded up.
func ceilUnix(t time.Time) int64 {
	if t.Nanosecond() > 0 {
		return t.Unix() + 1
	}
	return t.Unix()
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// playerCurrency depends on seed and player only, so a player keeps one
// currency across every day of the simulation.
func playerCurrency(cfg ProviderConfig, player int) string {
	h := splitmix64(uint64(cfg.Seed)*0x9E3779B97F4A7C15 ^ uint64(player))
	return cfg.Currencies[h%uint64(len(cfg.Currencies))]
}

func splitmix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// betAmount draws a stake in minor units that looks like real play for the
// currency's exponent: whole won in hundreds, cents for two-decimal currencies.
func betAmount(rng *rand.Rand, currency string) int64 {
	switch currencyExponent(currency) {
	case 0:
		return (10 + rng.Int64N(991)) * 100 // 1,000..100,000
	default:
		return 10 + rng.Int64N(9991) // 0.10..100.00
	}
}

func currencyExponent(currency string) int {
	switch currency {
	case "KRW", "JPY", "VND", "CLP", "ISK":
		return 0
	default:
		return 2
	}
}

package sim

import (
	"fmt"
	"math/rand/v2"
	"sort"
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

// GenerateTransactions returns the feed for [from, to), sorted by (timestamp,
// transaction_id). Each UTC day touched by the period is generated from its
// own RNG stream (seed, day), so any sub-range returns exactly the records the
// full range has for it. Faults.InvalidEvery adds invalid records; see
// corrupt.go for the one exception to the sub-range rule.
func GenerateTransactions(cfg ProviderConfig, from, to time.Time) []Transaction {
	all := generate(cfg, from, to)
	out := make([]Transaction, len(all))
	for i, p := range all {
		out[i] = p.Transaction
	}
	return out
}

// generate does the work of GenerateTransactions keeping each record's fault
// kind, sorted by (timestamp, transaction_id).
func generate(cfg ProviderConfig, from, to time.Time) []pending {
	cfg = cfg.normalized()
	from, to = from.UTC(), to.UTC()
	var out []pending
	for day := from.Truncate(24 * time.Hour); day.Before(to); day = day.Add(24 * time.Hour) {
		for _, p := range withInvalid(cfg, generateDay(cfg, day)) {
			if !p.origin.Before(from) && p.origin.Before(to) {
				p.Transaction = p.finish(from)
				out = append(out, p)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return lessTx(out[i].Transaction, out[j].Transaction) })
	return out
}

// ExpectedValid is the feed with every injected invalid record removed: what a
// correct validation pipeline should accept for the period.
func ExpectedValid(cfg ProviderConfig, from, to time.Time) []Transaction {
	cfg.Faults.InvalidEvery = 0
	return GenerateTransactions(cfg, from, to)
}

func lessTx(a, b Transaction) bool {
	if !a.Timestamp.Equal(b.Timestamp) {
		return a.Timestamp.Before(b.Timestamp)
	}
	return a.TransactionID < b.TransactionID
}

// generateDay produces one UTC day's valid records, sorted.
func generateDay(cfg ProviderConfig, day time.Time) []Transaction {
	dayNum := day.Unix() / 86400
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(dayNum)))
	stamp := day.Format("20060102")
	txs := make([]Transaction, 0, cfg.RoundsPerDay*2)
	for i := 0; i < cfg.RoundsPerDay; i++ {
		player := rng.IntN(cfg.Players)
		currency := playerCurrency(cfg, player)
		game := gameCodes[rng.IntN(len(gameCodes))]
		at := day.Add(time.Duration(rng.IntN(86400-maxRoundSeconds-1)) * time.Second)
		bet := betAmount(rng, currency)
		roundID := fmt.Sprintf("r-%s-%06d", stamp, i)
		base := Transaction{
			RoundID:  roundID,
			PlayerID: fmt.Sprintf("p-%05d", player),
			GameCode: game,
			Currency: currency,
		}
		b := base
		b.TransactionID = fmt.Sprintf("t-%s-%06d-b", stamp, i)
		b.Type, b.Amount, b.Timestamp = TypeBet, bet, at
		txs = append(txs, b)

		settled := at.Add(time.Duration(1+rng.IntN(maxRoundSeconds)) * time.Second)
		switch outcome := rng.IntN(1000); {
		case outcome < rollbackPerMille:
			r := base
			r.TransactionID = fmt.Sprintf("t-%s-%06d-r", stamp, i)
			r.Type, r.Amount, r.Timestamp = TypeRollback, bet, settled
			r.RefTransactionID = b.TransactionID
			txs = append(txs, r)
		case outcome < rollbackPerMille+winPerMille:
			pct := int64(minWinPercent + rng.IntN(maxWinPercent-minWinPercent+1))
			w := base
			w.TransactionID = fmt.Sprintf("t-%s-%06d-w", stamp, i)
			w.Type, w.Amount, w.Timestamp = TypeWin, bet*pct/100, settled
			txs = append(txs, w)
		}
	}
	sort.SliceStable(txs, func(i, j int) bool { return lessTx(txs[i], txs[j]) })
	return txs
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

package sim

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// This file is a frozen copy of the generator as it was before pages were
// served from compact days: it materialised the whole period, sorted it
// globally and placed out-of-period records at from-1h. Tests hold the
// streaming feed to it. Do not change it to follow the live code.

var refGameCodes = []string{
	"slot-dragon", "slot-pharaoh", "slot-fruits", "slot-wolf",
	"live-baccarat", "live-roulette", "live-blackjack", "crash-rocket",
}

var refInvalidKinds = []string{
	"unknown_currency", "negative_amount", "out_of_period",
	"dangling_rollback", "missing_id", "unknown_type",
}

const (
	refRollbackPerMille = 20
	refWinPerMille      = 400
	refMinWinPercent    = 50
	refMaxWinPercent    = 410
	refMaxRoundSeconds  = 30
)

// refPending is a reference record with the instant that decides which
// request serves it and the fault that made it ("" for valid records).
type refPending struct {
	Transaction
	origin time.Time
	kind   string
}

func refNormalized(c ProviderConfig) ProviderConfig {
	if c.Players <= 0 {
		c.Players = 200
	}
	if c.RoundsPerDay < 0 {
		c.RoundsPerDay = 0
	}
	if len(c.Currencies) == 0 {
		c.Currencies = []string{"KRW", "USD", "EUR"}
	}
	return c
}

// refGenerate is the old generate: the period's records in the old order.
func refGenerate(cfg ProviderConfig, from, to time.Time) []refPending {
	cfg = refNormalized(cfg)
	from, to = from.UTC(), to.UTC()
	var out []refPending
	for day := from.Truncate(24 * time.Hour); day.Before(to); day = day.Add(24 * time.Hour) {
		for _, p := range refWithInvalid(cfg, refGenerateDay(cfg, day)) {
			if !p.origin.Before(from) && p.origin.Before(to) {
				if p.kind == "out_of_period" {
					p.Timestamp = from.Add(-time.Hour)
				}
				out = append(out, p)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return refLessTx(out[i].Transaction, out[j].Transaction) })
	return out
}

func refLessTx(a, b Transaction) bool {
	if !a.Timestamp.Equal(b.Timestamp) {
		return a.Timestamp.Before(b.Timestamp)
	}
	return a.TransactionID < b.TransactionID
}

func refGenerateDay(cfg ProviderConfig, day time.Time) []Transaction {
	dayNum := day.Unix() / 86400
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(dayNum)))
	stamp := day.Format("20060102")
	txs := make([]Transaction, 0, cfg.RoundsPerDay*2)
	for i := 0; i < cfg.RoundsPerDay; i++ {
		player := rng.IntN(cfg.Players)
		currency := refPlayerCurrency(cfg, player)
		game := refGameCodes[rng.IntN(len(refGameCodes))]
		at := day.Add(time.Duration(rng.IntN(86400-refMaxRoundSeconds-1)) * time.Second)
		bet := refBetAmount(rng, currency)
		roundID := fmt.Sprintf("r-%s-%06d", stamp, i)
		base := Transaction{
			RoundID:  roundID,
			PlayerID: fmt.Sprintf("p-%05d", player),
			GameCode: game,
			Currency: currency,
		}
		b := base
		b.TransactionID = fmt.Sprintf("t-%s-%06d-b", stamp, i)
		b.Type, b.Amount, b.Timestamp = "bet", bet, at
		txs = append(txs, b)

		settled := at.Add(time.Duration(1+rng.IntN(refMaxRoundSeconds)) * time.Second)
		switch outcome := rng.IntN(1000); {
		case outcome < refRollbackPerMille:
			r := base
			r.TransactionID = fmt.Sprintf("t-%s-%06d-r", stamp, i)
			r.Type, r.Amount, r.Timestamp = "rollback", bet, settled
			r.RefTransactionID = b.TransactionID
			txs = append(txs, r)
		case outcome < refRollbackPerMille+refWinPerMille:
			pct := int64(refMinWinPercent + rng.IntN(refMaxWinPercent-refMinWinPercent+1))
			w := base
			w.TransactionID = fmt.Sprintf("t-%s-%06d-w", stamp, i)
			w.Type, w.Amount, w.Timestamp = "win", bet*pct/100, settled
			txs = append(txs, w)
		}
	}
	sort.SliceStable(txs, func(i, j int) bool { return refLessTx(txs[i], txs[j]) })
	return txs
}

func refPlayerCurrency(cfg ProviderConfig, player int) string {
	h := refSplitmix64(uint64(cfg.Seed)*0x9E3779B97F4A7C15 ^ uint64(player))
	return cfg.Currencies[h%uint64(len(cfg.Currencies))]
}

func refSplitmix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

func refBetAmount(rng *rand.Rand, currency string) int64 {
	switch currency {
	case "KRW", "JPY", "VND", "CLP", "ISK":
		return (10 + rng.Int64N(991)) * 100
	default:
		return 10 + rng.Int64N(9991)
	}
}

func refWithInvalid(cfg ProviderConfig, day []Transaction) []refPending {
	n := cfg.Faults.InvalidEvery
	out := make([]refPending, 0, len(day)+len(day)/max(n, 1)+1)
	injected := 0
	for i, tx := range day {
		out = append(out, refPending{Transaction: tx, origin: tx.Timestamp})
		if n <= 0 {
			continue
		}
		if n == 1 || (i+1)%(n-1) == 0 {
			kind := refInvalidKinds[injected%len(refInvalidKinds)]
			injected++
			out = append(out, refPending{Transaction: refCorrupt(tx, kind), origin: tx.Timestamp, kind: kind})
		}
	}
	return out
}

func refCorrupt(tx Transaction, kind string) Transaction {
	bad := tx
	bad.TransactionID = tx.TransactionID + "-x"
	switch kind {
	case "unknown_currency":
		bad.Currency = "XXX"
	case "negative_amount":
		bad.Amount = -tx.Amount
	case "dangling_rollback":
		bad.Type = "rollback"
		bad.RefTransactionID = "t-missing-" + tx.TransactionID
	case "missing_id":
		bad.TransactionID = ""
	case "unknown_type":
		bad.Type = "bonus"
		bad.RefTransactionID = ""
	}
	return bad
}

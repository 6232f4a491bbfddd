// Package sim holds deterministic simulators of the external feeds settleflow
// pulls from. They speak the same wire formats as the real partners so the
// demo, tests and benchmarks exercise the real adapters end to end.
package sim

import "time"

// ProviderConfig describes one simulated game-aggregator feed. The same config
// and period always produce the same records, so tests can compute expected
// totals independently of the server.
type ProviderConfig struct {
	Seed         int64
	Players      int
	RoundsPerDay int
	// Currencies is the pool each player's fixed currency is drawn from.
	Currencies []string
	// Token is the bearer token the server requires; empty disables auth.
	Token string
	// PageSize is the limit used when a request does not send one.
	PageSize int
	Faults   Faults
	// breaks are the world's breaks that sit in this feed (orphan rollbacks,
	// missing pages); only a WorldConfig sets them.
	breaks breakRates
}

// Faults injects the misbehaviour a real feed shows in production. Zero
// values disable each fault.
type Faults struct {
	// InvalidEvery makes every Nth record of each UTC day invalid (an extra,
	// corrupted record is inserted after every N-1 valid ones). See
	// corrupt.go for the kinds and where each is served.
	InvalidEvery int
	// FailFirst answers the first N requests with 503.
	FailFirst int
	// FailEveryN answers every Nth request with 500.
	FailEveryN int
	// DuplicatePage re-sends page index k (0-based) once: the request after
	// page k gets page k's records again, under a cursor that still moves
	// forward, and the feed then continues with page k+1. It fires on the
	// first request whose page starts at record k*limit of its range, once
	// per server. Zero disables (so a zero Faults is fault-free); page 0
	// therefore cannot be duplicated, use 1 or more.
	DuplicatePage int
	// PageDelay sleeps before each page is served.
	PageDelay time.Duration
	// RateLimitEvery answers every Nth request with 429 and Retry-After: 1.
	RateLimitEvery int
}

const (
	defaultPageSize = 500
	maxPageSize     = 5000
	// Compact days keep a round number in 28 bits of an index entry and a
	// player in 32 bits; beyond these a config is clamped.
	maxRoundsPerDay = 1<<28 - 1
	maxPlayers      = 1<<31 - 1
)

// DefaultProviderConfig is a mid-sized operator: enough volume to make totals
// meaningful, small enough to generate a month in well under a second.
func DefaultProviderConfig() ProviderConfig {
	return ProviderConfig{
		Seed:         42,
		Players:      200,
		RoundsPerDay: 2000,
		Currencies:   []string{"KRW", "USD", "EUR"},
		Token:        "sim-token",
		PageSize:     defaultPageSize,
	}
}

// normalized fills zero values so a partially filled config still works.
func (c ProviderConfig) normalized() ProviderConfig {
	if c.Players <= 0 {
		c.Players = 200
	}
	c.Players = min(c.Players, maxPlayers)
	c.RoundsPerDay = min(max(c.RoundsPerDay, 0), maxRoundsPerDay)
	if len(c.Currencies) == 0 {
		c.Currencies = []string{"KRW", "USD", "EUR"}
	}
	if c.PageSize <= 0 {
		c.PageSize = defaultPageSize
	}
	if c.PageSize > maxPageSize {
		c.PageSize = maxPageSize
	}
	return c
}

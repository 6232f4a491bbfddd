package sim

import (
	"fmt"
	"time"

	"github.com/settleflow/settleflow/internal/money"
)

// WorldConfig describes one simulated platform: the game aggregator's feed
// and, built around it, the operator's wallet, the payment processor, the
// affiliate network and the daily reference rates. One player's money
// moves through all of them, so they reconcile: every provider record is
// mirrored in the wallet, every cash movement is a wallet entry and a PSP
// line, every first deposit an affiliate brought is claimed by it.
//
// The same config always serves the same records. With no Breaks (and no
// provider Faults) the sources agree exactly; each break injects one kind
// of defect at its rate, and AnswerKey lists every one.
type WorldConfig struct {
	// Provider is the aggregator's feed; its seed seeds the whole world and
	// its players are the operator's players.
	Provider ProviderConfig
	// Daily volumes of one PSP business day (see PayoutCutoff).
	DepositsPerDay      int // by existing players
	WithdrawalsPerDay   int
	BonusesPerDay       int
	ClicksPerDay        int // affiliate clicks
	RegistrationsPerDay int // new players, each from one of the day's clicks
	// FTDPercent of registrations make a first deposit the same day.
	FTDPercent int
	// ChargebackPerMille of existing players' deposits are charged back.
	ChargebackPerMille int
	Affiliates         int
	CampaignsPerAff    int
	// PSPFeePercent is the PSP's fee on every line, as an agreement writes
	// it ("2.5"); fees are rounded half to even.
	PSPFeePercent string
	// PayoutCutoff is when the PSP's business day ends, as a UTC time of
	// day: every line of [cut-off − 24h, cut-off) is paid out in one batch
	// per currency, booked a second before the cut-off. Set it to the
	// scope's cut-off, so each period holds whole batches.
	PayoutCutoff time.Duration
	// BaseCurrency is what the FX rates are quoted against.
	BaseCurrency string
	// LateBy is how long after it happened a late_arrival is booked.
	LateBy time.Duration
	Breaks Breaks
	// Tokens are the bearer tokens per source kind; a kind without one
	// takes Provider.Token.
	Tokens map[string]string
}

// DefaultWorldConfig is the default provider feed with a few dozen cash
// movements, a few hundred clicks and a dozen new players a day.
func DefaultWorldConfig() WorldConfig {
	return WorldConfig{
		Provider:       DefaultProviderConfig(),
		DepositsPerDay: 80, WithdrawalsPerDay: 20, BonusesPerDay: 15,
		ClicksPerDay: 300, RegistrationsPerDay: 12, FTDPercent: 60, ChargebackPerMille: 10,
		Affiliates: 4, CampaignsPerAff: 3,
		PSPFeePercent: "2.5",
		BaseCurrency:  "USD",
		LateBy:        26 * time.Hour,
	}
}

// Bounds keep a world's ids and compact indexes in range.
const (
	maxPerDay      = 1 << 24 // cash movements, clicks or registrations a day
	maxAffiliates  = 999
	maxLateBy      = 47 * time.Hour // a late entry lands at most two windows on
	minLateBy      = time.Hour
	defaultLateBy  = 26 * time.Hour
	defaultPSPFee  = "2.5"
	defaultBaseCur = "USD"
)

// world is a normalized config with what it derives once.
type world struct {
	WorldConfig
	provider ProviderConfig // normalized, carrying the provider's breaks
	fee      money.Ratio
	rates    breakRates
	cutoff   int64 // PayoutCutoff in seconds
	windows  *memo[int64, *window]
	pfeed    *feed // the provider's days, shared with its server
}

// window is business day num, built once while it is in use.
func (w *world) window(num int64) *window {
	return w.windows.get(num, func() *window { return w.buildWindow(num) })
}

// newWorld checks and normalizes cfg.
func newWorld(cfg WorldConfig) (*world, error) {
	// Three business days serve a wallet chunk (late entries land up to
	// two on); a few more cover slices pulled side by side.
	w := &world{WorldConfig: cfg, windows: newMemo[int64, *window](8)}
	for _, n := range []*int{&w.DepositsPerDay, &w.WithdrawalsPerDay, &w.BonusesPerDay, &w.ClicksPerDay, &w.RegistrationsPerDay} {
		*n = min(max(*n, 0), maxPerDay)
	}
	w.RegistrationsPerDay = min(w.RegistrationsPerDay, w.ClicksPerDay)
	w.FTDPercent = min(max(w.FTDPercent, 0), 100)
	w.ChargebackPerMille = min(max(w.ChargebackPerMille, 0), 1000)
	w.Affiliates = min(max(w.Affiliates, 1), maxAffiliates)
	w.CampaignsPerAff = min(max(w.CampaignsPerAff, 1), 99)
	if w.PSPFeePercent == "" {
		w.PSPFeePercent = defaultPSPFee
	}
	fee, err := money.ParsePercent(w.PSPFeePercent)
	if err != nil {
		return nil, fmt.Errorf("sim: PSP fee %q: %w", w.PSPFeePercent, err)
	}
	w.fee = fee
	if w.BaseCurrency == "" {
		w.BaseCurrency = defaultBaseCur
	}
	if !money.Known(w.BaseCurrency) {
		return nil, fmt.Errorf("sim: base currency %q is not a known ISO 4217 code", w.BaseCurrency)
	}
	if w.LateBy == 0 {
		w.LateBy = defaultLateBy
	}
	if w.LateBy < minLateBy || w.LateBy > maxLateBy {
		return nil, fmt.Errorf("sim: late_arrival delay %s must be between %s and %s", w.LateBy, minLateBy, maxLateBy)
	}
	if w.PayoutCutoff < 0 || w.PayoutCutoff >= 24*time.Hour || w.PayoutCutoff%time.Minute != 0 {
		return nil, fmt.Errorf("sim: payout cut-off %s must be a whole minute of the day", w.PayoutCutoff)
	}
	w.cutoff = int64(w.PayoutCutoff / time.Second)
	if w.rates, err = w.Breaks.rates(); err != nil {
		return nil, err
	}
	w.provider = cfg.Provider.normalized()
	for _, c := range w.provider.Currencies {
		if !money.Known(c) {
			return nil, fmt.Errorf("sim: currency %q is not a known ISO 4217 code", c)
		}
	}
	w.provider.breaks = w.rates
	w.pfeed = newFeed(w.provider)
	return w, nil
}

// token is the bearer token the server wants from a kind's clients.
func (w *world) token(kind string) string {
	if t, ok := w.Tokens[kind]; ok {
		return t
	}
	return w.provider.Token
}

// currencyIndex is a currency's position in the world's list.
func (w *world) currencyIndex(cur string) int {
	for i, c := range w.provider.Currencies {
		if c == cur {
			return i
		}
	}
	return 0
}

// CutoffOf is the UTC time of day of t: where a simulated PSP should close
// its business days so that periods ending at t hold whole payout batches.
func CutoffOf(t time.Time) time.Duration {
	t = t.UTC()
	return t.Sub(t.Truncate(24 * time.Hour))
}

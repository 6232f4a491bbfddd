package sim

import "time"

// Wire records of the world's feeds, tagged exactly as each partner sends
// them (see docs/sources.md). Optional fields are left out when empty.

// Paths of the feeds; a feed's control totals are its path + SummarySuffix.
const (
	PathTransactions = "/v1/transactions"
	PathLedger       = "/v1/ledger"
	PathSettlement   = "/v1/settlement-report"
	PathEvents       = "/v1/events"
	PathRates        = "/v1/rates"
	SummarySuffix    = "/summary"
)

// WalletEntry is one entry of the operator's wallet ledger export.
type WalletEntry struct {
	EntryID   string    `json:"entry_id"`
	PlayerID  string    `json:"player_id"`
	Type      string    `json:"type"`
	Amount    int64     `json:"amount"`
	Currency  string    `json:"currency"`
	CreatedAt time.Time `json:"created_at"`
	// BookedAt is set when the entry was booked later than it happened.
	BookedAt *time.Time `json:"booked_at,omitempty"`
	// Game entries: the provider's transaction, its round and game, and
	// for a rollback the bet it cancels.
	ProviderTransactionID string `json:"provider_transaction_id,omitempty"`
	RoundID               string `json:"round_id,omitempty"`
	GameCode              string `json:"game_code,omitempty"`
	RollsBack             string `json:"rolls_back,omitempty"`
	// Cash entries: the PSP's payment reference.
	PSPReference string `json:"psp_reference,omitempty"`
	BonusID      string `json:"bonus_id,omitempty"`
	FirstDeposit bool   `json:"first_deposit,omitempty"`
}

// Wallet entry types.
const (
	WalletDeposit        = "deposit"
	WalletWithdrawal     = "withdrawal"
	WalletBetDebit       = "bet_debit"
	WalletWinCredit      = "win_credit"
	WalletRollbackCredit = "rollback_credit"
	WalletBonusCredit    = "bonus_credit"
)

// PSPLine is one line of the payment processor's settlement report.
type PSPLine struct {
	LineID string `json:"line_id"`
	Type   string `json:"type"`
	// Reference is the payment's reference (the wallet's psp_reference);
	// a chargeback carries its deposit's; a payout has none.
	Reference string    `json:"reference,omitempty"`
	BatchID   string    `json:"batch_id"`
	PlayerID  string    `json:"player_id,omitempty"`
	Amount    int64     `json:"amount"`
	Currency  string    `json:"currency"`
	Fee       int64     `json:"fee"`
	BookedAt  time.Time `json:"booked_at"`
}

// PSP line types.
const (
	PSPDeposit    = "deposit"
	PSPWithdrawal = "withdrawal"
	PSPChargeback = "chargeback"
	PSPPayout     = "payout"
)

// TrafficEvent is one event of the affiliate network.
type TrafficEvent struct {
	EventID      string `json:"event_id"`
	Type         string `json:"type"`
	TrackingCode string `json:"tracking_code"`
	AffiliateID  string `json:"affiliate_id"`
	Campaign     string `json:"campaign"`
	// ClickID is the click a registration came from.
	ClickID string `json:"click_id,omitempty"`
	// PlayerID is the registered player, or the one a claim is for.
	PlayerID   string    `json:"player_id,omitempty"`
	IPHash     string    `json:"ip_hash"`
	DeviceHash string    `json:"device_hash"`
	Amount     int64     `json:"amount"`
	Currency   string    `json:"currency"`
	OccurredAt time.Time `json:"occurred_at"`
}

// Traffic event types.
const (
	TrafficClick        = "click"
	TrafficRegistration = "registration"
	TrafficFTDClaim     = "ftd_claim"
)

// Rate is one daily reference rate: units of Quote per one Base, as an
// exact decimal string.
type Rate struct {
	Date  string `json:"date"`
	Base  string `json:"base"`
	Quote string `json:"quote"`
	Rate  string `json:"rate"`
}

// DayTotal is one line of a feed's control totals: how many records it
// booked on a UTC day in one currency and type, and their sum.
type DayTotal struct {
	Day      string `json:"day"`
	Currency string `json:"currency"`
	Type     string `json:"type"`
	Count    int64  `json:"count"`
	Amount   int64  `json:"amount"`
}

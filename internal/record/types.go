package record

// Canonical record types, per kind (docs/sources.md). A kind's adapter
// maps its partner's types onto these; later steps see only these.
const (
	// provider
	TypeBet      = "bet"
	TypeWin      = "win"
	TypeRollback = "rollback"
	// wallet (deposit and withdrawal also psp)
	TypeDeposit        = "deposit"
	TypeWithdrawal     = "withdrawal"
	TypeBetDebit       = "bet_debit"
	TypeWinCredit      = "win_credit"
	TypeRollbackCredit = "rollback_credit"
	TypeBonusCredit    = "bonus_credit"
	// psp
	TypeChargeback = "chargeback"
	TypePayout     = "payout"
	// traffic
	TypeClick        = "click"
	TypeRegistration = "registration"
	TypeFTDClaim     = "ftd_claim"
	// fx
	TypeRate = "rate"
)

// Attribute keys of canonical records.
const (
	// AttrBookedAt is when the source booked a record, RFC 3339 in UTC,
	// set only when it differs from OccurredAt (a late arrival). Periods,
	// control totals and reconciliation go by coalesce(booked_at,
	// occurred_at).
	AttrBookedAt = "booked_at"

	AttrRoundID  = "round_id"
	AttrGameCode = "game_code"
	// AttrRollsBack is the bet a wallet rollback_credit cancels.
	AttrRollsBack = "rolls_back"
	// AttrFirstDeposit is "true" on a player's first deposit.
	AttrFirstDeposit = "first_deposit"

	// AttrFee is a PSP line's fee in minor units, as a decimal string.
	AttrFee     = "fee"
	AttrBatchID = "batch_id"

	AttrTrackingCode = "tracking_code"
	AttrAffiliateID  = "affiliate_id"
	AttrCampaign     = "campaign"
	AttrIPHash       = "ip_hash"
	AttrDeviceHash   = "device_hash"

	AttrDate  = "date"
	AttrBase  = "base"
	AttrQuote = "quote"
	AttrRate  = "rate"

	// AttrFallback names the source whose records stand in for a failed
	// source's (see internal/source.StandIn).
	AttrFallback = "fallback"
)

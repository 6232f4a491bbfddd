package settle

// Share is what one partner and the operator get of one currency's GGR in
// one cycle: the split settle computes, the store keeps, the ledger books
// and the statement publishes. PartnerAmount + OperatorAmount == GGR.
//
// Shares travel through Temporal as JSON (activity results, the cycle
// result), so the fields keep their names and carry no tags: histories
// recorded with the earlier per-layer copies of this type still decode.
type Share struct {
	Partner          string
	Currency         string
	GGR              int64
	PartnerAmount    int64 // the provider fee; negative is a credit back to the operator
	OperatorAmount   int64
	AgreementVersion int
	// Explanation states the terms and the arithmetic, so the statement
	// explains itself without looking the agreement up.
	Explanation string
}

package ledger

import "github.com/google/uuid"

// KindAdjustment is the entry that books a reconciliation break's
// difference when an operator resolves it with adjust.
const KindAdjustment = "adjustment"

// AccountReconAdjustments is where the operator absorbs (or gains) the
// differences it books when it accepts a source's figure over another's.
const AccountReconAdjustments = "operator:recon-adjustments"

// SourceClearing is the clearing account of one source's flows: the
// account an adjustment corrects when that source's records are wrong.
func SourceClearing(source string) string { return "source:" + source + ":clearing" }

// AdjustmentEntry books a break's difference (the authoritative figure
// minus the corrected source's, in minor units of currency): the corrected
// source's clearing account is debited by it, the operator's adjustments
// account credited, so the source's books come to the authoritative figure
// and the entry balances. A negative difference flips both lines.
func AdjustmentEntry(id, cycleID uuid.UUID, description, currency string, difference int64, corrected string) (Entry, error) {
	e := Entry{ID: id, CycleID: cycleID, Kind: KindAdjustment, Description: description, Lines: []Line{
		{Account: SourceClearing(corrected), Currency: currency, Amount: difference},
		{Account: AccountReconAdjustments, Currency: currency, Amount: -difference},
	}}
	return e, e.Validate()
}

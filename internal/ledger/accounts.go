package ledger

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/settle"
)

// Account names. The GGR the operator collected is cleared into what it owes
// each partner and what it keeps.
const (
	AccountGGRClearing = "operator:ggr-clearing"
	AccountRevenue     = "operator:net-revenue"
)

// PartnerPayable is the account holding what the operator owes a partner.
func PartnerPayable(partner string) string { return "partner:" + partner + ":payable" }

// PayableOf is the partner whose payable account is named, if it is one.
func PayableOf(account string) (string, bool) {
	rest, ok := strings.CutPrefix(account, "partner:")
	if !ok {
		return "", false
	}
	partner, ok := strings.CutSuffix(rest, ":payable")
	return partner, ok && partner != ""
}

// SettlementEntry turns a cycle's shares into one journal entry: debit the
// GGR clearing account, credit the partner's payable and the operator's
// revenue. A negative GGR flips the sides; zero amounts are left out.
func SettlementEntry(id, cycleID uuid.UUID, description string, shares []settle.Share) (Entry, error) {
	e := Entry{ID: id, CycleID: cycleID, Kind: KindSettlement, Description: description}
	for _, s := range shares {
		if s.PartnerAmount+s.OperatorAmount != s.GGR {
			return Entry{}, fmt.Errorf("share of %s in %s: %d + %d does not make GGR %d",
				s.Partner, s.Currency, s.PartnerAmount, s.OperatorAmount, s.GGR)
		}
		e.Lines = appendNonZero(e.Lines,
			Line{Account: AccountGGRClearing, Currency: s.Currency, Amount: s.GGR},
			Line{Account: PartnerPayable(s.Partner), Currency: s.Currency, Amount: -s.PartnerAmount},
			Line{Account: AccountRevenue, Currency: s.Currency, Amount: -s.OperatorAmount},
		)
	}
	if len(e.Lines) == 0 {
		return e, nil
	}
	return e, e.Validate()
}

func appendNonZero(lines []Line, add ...Line) []Line {
	for _, l := range add {
		if l.Amount != 0 {
			lines = append(lines, l)
		}
	}
	return lines
}

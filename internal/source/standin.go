package source

import (
	"fmt"

	"github.com/settleflow/settleflow/internal/record"
)

// StandIn says how the records of one kind stand in for another kind's
// when a source of that kind keeps failing: the operator's wallet mirrors
// every game transaction of the aggregator, debit by debit, so its game
// entries give the aggregator's figures until the aggregator can be
// pulled again.
//
// A stand-in record is its fallback record made over: it takes the id of
// what the fallback record mirrors (its ReferenceID), the primary kind's
// type, the reference held in the Reference attribute, the Keep
// attributes, and record.AttrFallback naming the fallback source. Records
// of other types are left out.
type StandIn struct {
	Primary, Fallback string // kinds
	// FromTypes[i] of the fallback stands in for ToTypes[i] of the primary.
	FromTypes, ToTypes []string
	// Reference is the attribute holding what a stand-in record points at
	// (the bet a rollback cancels); "" when none does.
	Reference string
	Keep      []string
}

// standIns lists every kind that can stand in for another.
var standIns = []StandIn{{
	Primary: record.KindProvider, Fallback: record.KindWallet,
	FromTypes: []string{record.TypeBetDebit, record.TypeWinCredit, record.TypeRollbackCredit},
	ToTypes:   []string{record.TypeBet, record.TypeWin, record.TypeRollback},
	Reference: record.AttrRollsBack,
	Keep:      []string{record.AttrRoundID, record.AttrGameCode, record.AttrBookedAt},
}}

// StandInFor returns how a source of kind fallback stands in for one of
// kind primary, or an error naming the pairs that exist.
func StandInFor(primary, fallback string) (StandIn, error) {
	var pairs []string
	for _, s := range standIns {
		if s.Primary == primary && s.Fallback == fallback {
			return s, nil
		}
		pairs = append(pairs, s.Fallback+" for "+s.Primary)
	}
	return StandIn{}, fmt.Errorf("a %s source cannot stand in for a %s source (possible: %v)", fallback, primary, pairs)
}

package wallet

import (
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/format"
)

// The entry's fields, by position in names.
const (
	fID = iota
	fPlayer
	fType
	fAmount
	fCurrency
	fCreated
	fBooked
	fTransaction
	fRound
	fGame
	fRollsBack
	fPSPReference
	fBonus
	fFirst
)

var names = []string{"entry_id", "player_id", "type", "amount", "currency", "created_at", "booked_at",
	"provider_transaction_id", "round_id", "game_code", "rolls_back", "psp_reference", "bonus_id", "first_deposit"}

// decodePage turns each entry into exactly one record or one reject.
func decodePage(p feed.Page) source.Page {
	return format.DecodePage(p, format.NewFields(names...), "entry_id", decode)
}

// decode maps one entry: ReferenceID is the provider transaction of a game
// entry, the PSP reference of a cash entry, the bonus of a bonus credit.
func decode(f *format.Fields, r *record.Record) *format.Error {
	r.Kind = record.KindWallet
	r.ExternalID = f.String(fID, format.ReasonMissingID, true)
	r.Player = f.String(fPlayer, format.ReasonMissingField, true)
	r.Type = f.String(fType, format.ReasonBadType, true)
	r.Amount = f.Int64(fAmount, format.ReasonBadAmount, true)
	r.Currency = f.String(fCurrency, format.ReasonMissingCurrency, true)
	r.OccurredAt = f.Time(fCreated, true)
	booked := f.Time(fBooked, false)
	first := f.Bool(fFirst)
	if fe := f.Err(); fe != nil {
		return fe
	}
	refs := references(f, r.Type)
	if fe := f.Err(); fe != nil {
		return fe
	}
	if first && r.Type != record.TypeDeposit {
		return format.Errorf(format.ReasonBadField, "first_deposit: set on a %s, only a deposit can be one", r.Type)
	}
	r.ReferenceID = refs.id
	r.Attrs = format.Optional(r.Attrs, record.AttrRoundID, refs.round)
	r.Attrs = format.Optional(r.Attrs, record.AttrGameCode, refs.game)
	r.Attrs = format.Optional(r.Attrs, record.AttrRollsBack, refs.rollsBack)
	if first {
		r.Attrs = append(r.Attrs, record.Attr{Key: record.AttrFirstDeposit, Value: "true"})
	}
	r.Attrs = format.BookedAt(r.Attrs, r.OccurredAt, booked)
	return nil
}

// refs are what an entry points at.
type refs struct{ id, round, game, rollsBack string }

// references reads what an entry of type typ must point at, failing on a
// type the ledger does not have.
func references(f *format.Fields, typ string) refs {
	switch typ {
	case record.TypeBetDebit, record.TypeWinCredit, record.TypeRollbackCredit:
		r := refs{id: f.String(fTransaction, format.ReasonMissingRef, true),
			round: f.String(fRound, format.ReasonMissingField, false), game: f.String(fGame, format.ReasonMissingField, false)}
		r.rollsBack = f.String(fRollsBack, format.ReasonMissingRef, typ == record.TypeRollbackCredit)
		return r
	case record.TypeDeposit, record.TypeWithdrawal:
		return refs{id: f.String(fPSPReference, format.ReasonMissingRef, true)}
	case record.TypeBonusCredit:
		return refs{id: f.String(fBonus, format.ReasonMissingRef, true)}
	}
	f.Fail(format.ReasonBadType, "type: %q is not deposit, withdrawal, bet_debit, win_credit, rollback_credit or bonus_credit", typ)
	return refs{}
}

package wallet

import (
	"reflect"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/source/sourcetest"
)

// fromSim maps a simulated entry the way the adapter must, independently
// of it.
func fromSim(e sim.WalletEntry) record.Record {
	r := record.Record{Kind: record.KindWallet, ExternalID: e.EntryID, Player: e.PlayerID, Type: e.Type,
		Amount: e.Amount, Currency: e.Currency, OccurredAt: e.CreatedAt}
	switch {
	case e.ProviderTransactionID != "":
		r.ReferenceID = e.ProviderTransactionID
		r.Attrs = append(r.Attrs, record.Attr{Key: "round_id", Value: e.RoundID}, record.Attr{Key: "game_code", Value: e.GameCode})
		if e.RollsBack != "" {
			r.Attrs = append(r.Attrs, record.Attr{Key: "rolls_back", Value: e.RollsBack})
		}
	case e.PSPReference != "":
		r.ReferenceID = e.PSPReference
	default:
		r.ReferenceID = e.BonusID
	}
	if e.FirstDeposit {
		r.Attrs = append(r.Attrs, record.Attr{Key: "first_deposit", Value: "true"})
	}
	if e.BookedAt != nil {
		r.Attrs = append(r.Attrs, record.Attr{Key: "booked_at", Value: e.BookedAt.Format(time.RFC3339)})
	}
	return sourcetest.Hashed(r)
}

// The adapter pulls every entry the simulated wallet books, breaks and
// all, as canonical records.
func TestFetchWorld(t *testing.T) {
	w := sourcetest.NewWorld(t, "all=0.03")
	a := w.Open(t, Kind, 211)
	recs, rejs := sourcetest.FetchAll(t, a, sourcetest.From, sourcetest.To)
	var want []record.Record
	late, firsts := 0, 0
	for _, e := range w.Server.WalletEntries(sourcetest.From, sourcetest.To) {
		want = append(want, fromSim(e))
		if e.BookedAt != nil {
			late++
		}
		if e.FirstDeposit {
			firsts++
		}
	}
	if len(rejs) != 0 || !reflect.DeepEqual(recs, want) {
		t.Fatalf("got %d records and %d rejects, want %d records", len(recs), len(rejs), len(want))
	}
	if late == 0 || firsts == 0 {
		t.Errorf("the world booked %d late entries and %d first deposits; the test needs some of each", late, firsts)
	}
}

func TestKindRegistration(t *testing.T) {
	if Kind.Name != record.KindWallet || Kind.MaxPageSize != 5000 {
		t.Errorf("Kind = %+v", Kind)
	}
	if _, err := Kind.New(sourceConfig("ledger.example.com")); err == nil {
		t.Error("a base URL without a scheme was accepted")
	}
}

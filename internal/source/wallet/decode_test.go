package wallet

import (
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/format"
	"github.com/settleflow/settleflow/internal/source/sourcetest"
	"github.com/settleflow/settleflow/internal/source/wire"
)

const (
	bet     = `{"entry_id":"w-1","player_id":"p-1","type":"bet_debit","amount":1500,"currency":"KRW","created_at":"2026-11-01T03:04:05Z","provider_transaction_id":"t-1","round_id":"r-1","game_code":"slot-dragon"}`
	deposit = `{"entry_id":"w-2","player_id":"n-1","type":"deposit","amount":20000,"currency":"USD","created_at":"2026-11-01T03:04:05+09:00","psp_reference":"pay-1","first_deposit":true}`
)

func with(good string, pairs ...string) string { return sourcetest.With(good, pairs...) }

func sourceConfig(url string) source.Config { return source.Config{Name: "wallet", BaseURL: url} }

func decodeOne(t *testing.T, raw string) source.Page {
	t.Helper()
	return decodePage(feed.Page{Envelope: wire.Envelope{Elements: [][]byte{[]byte(raw)}}})
}

func TestDecodeEntries(t *testing.T) {
	at := time.Date(2026, 11, 1, 3, 4, 5, 0, time.UTC)
	for name, tc := range map[string]struct {
		raw  string
		want record.Record
	}{
		"bet debit": {bet, record.Record{Kind: "wallet", ExternalID: "w-1", ReferenceID: "t-1", Player: "p-1", Type: "bet_debit",
			Amount: 1500, Currency: "KRW", OccurredAt: at, Attrs: []record.Attr{{Key: "game_code", Value: "slot-dragon"}, {Key: "round_id", Value: "r-1"}}}},
		"rollback": {with(bet, "type", `"rollback_credit"`, "rolls_back", `"t-0"`, "round_id", "", "game_code", ""),
			record.Record{Kind: "wallet", ExternalID: "w-1", ReferenceID: "t-1", Player: "p-1", Type: "rollback_credit",
				Amount: 1500, Currency: "KRW", OccurredAt: at, Attrs: []record.Attr{{Key: "rolls_back", Value: "t-0"}}}},
		"first deposit in another offset": {deposit, record.Record{Kind: "wallet", ExternalID: "w-2", ReferenceID: "pay-1",
			Player: "n-1", Type: "deposit", Amount: 20000, Currency: "USD", OccurredAt: at.Add(-9 * time.Hour),
			Attrs: []record.Attr{{Key: "first_deposit", Value: "true"}}}},
		"late": {with(deposit, "first_deposit", "", "booked_at", `"2026-11-02T05:00:00Z"`), record.Record{Kind: "wallet",
			ExternalID: "w-2", ReferenceID: "pay-1", Player: "n-1", Type: "deposit", Amount: 20000, Currency: "USD",
			OccurredAt: at.Add(-9 * time.Hour), Attrs: []record.Attr{{Key: "booked_at", Value: "2026-11-02T05:00:00Z"}}}},
		"booked when created": {with(deposit, "first_deposit", `false`, "booked_at", `"2026-10-31T18:04:05Z"`), record.Record{Kind: "wallet",
			ExternalID: "w-2", ReferenceID: "pay-1", Player: "n-1", Type: "deposit", Amount: 20000, Currency: "USD",
			OccurredAt: at.Add(-9 * time.Hour)}},
		"bonus": {with(deposit, "type", `"bonus_credit"`, "psp_reference", "", "first_deposit", "", "bonus_id", `"bonus-9"`),
			record.Record{Kind: "wallet", ExternalID: "w-2", ReferenceID: "bonus-9", Player: "n-1", Type: "bonus_credit",
				Amount: 20000, Currency: "USD", OccurredAt: at.Add(-9 * time.Hour)}},
	} {
		p := decodeOne(t, tc.raw)
		want := sourcetest.Hashed(tc.want)
		if len(p.Rejects) != 0 || len(p.Records) != 1 {
			t.Errorf("%s: rejected %+v", name, p.Rejects)
			continue
		}
		if got := p.Records[0]; got.ExternalID != want.ExternalID || got.Hash != want.Hash {
			t.Errorf("%s: got %+v, want %+v", name, got, want)
		}
	}
}

func TestMalformedEntryBecomesReject(t *testing.T) {
	for name, tc := range map[string]struct{ raw, reason, detail string }{
		"not an object":        {`"w-1"`, format.ReasonNotObject, "string"},
		"no id":                {with(bet, "entry_id", ""), format.ReasonMissingID, "entry_id: missing or empty"},
		"no player":            {with(bet, "player_id", `""`), format.ReasonMissingField, "player_id"},
		"unknown type":         {with(bet, "type", `"cashback"`), format.ReasonBadType, `"cashback" is not`},
		"float amount":         {with(bet, "amount", `15.5`), format.ReasonBadAmount, "15.5 is not an integer literal"},
		"no currency":          {with(bet, "currency", ""), format.ReasonMissingCurrency, "currency: missing"},
		"bad time":             {with(bet, "created_at", `"yesterday"`), format.ReasonBadTimestamp, `"yesterday" is not RFC 3339`},
		"bad booking time":     {with(bet, "booked_at", `17`), format.ReasonBadTimestamp, "booked_at: want a string"},
		"game without txn":     {with(bet, "provider_transaction_id", ""), format.ReasonMissingRef, "provider_transaction_id"},
		"rollback without bet": {with(bet, "type", `"rollback_credit"`), format.ReasonMissingRef, "rolls_back"},
		"deposit without ref":  {with(deposit, "psp_reference", ""), format.ReasonMissingRef, "psp_reference"},
		"bonus without id":     {with(deposit, "type", `"bonus_credit"`, "first_deposit", ""), format.ReasonMissingRef, "bonus_id"},
		"first on a bet":       {with(bet, "first_deposit", `true`), format.ReasonBadField, "only a deposit"},
		"first not a flag":     {with(deposit, "first_deposit", `"yes"`), format.ReasonBadField, "want true or false"},
		"NUL in player":        {with(bet, "player_id", `"p-\u0000"`), format.ReasonNULByte, "NUL"},
		"field twice":          {with(bet, "amount", `1,"amount":2`), format.ReasonDuplicateField, "duplicate"},
	} {
		p := decodeOne(t, tc.raw)
		if len(p.Rejects) != 1 || p.Rejects[0].Reason != tc.reason || !strings.Contains(p.Rejects[0].Detail, tc.detail) {
			t.Errorf("%s: got %+v, want %s (%q)", name, p.Rejects, tc.reason, tc.detail)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{bet, deposit, with(bet, "type", `"rollback_credit"`), with(deposit, "booked_at", `"x"`), `[]`} {
		f.Add([]byte(s))
	}
	sourcetest.FuzzElement(f, bet, decodePage, func(t *testing.T, r record.Record) {
		if r.Kind != record.KindWallet || r.Player == "" || r.ReferenceID == "" {
			t.Fatalf("record %+v lacks a required field", r)
		}
		if r.Type == record.TypeRollbackCredit && r.Attr("rolls_back") == "" {
			t.Fatalf("rollback %+v without the bet it cancels", r)
		}
	})
}

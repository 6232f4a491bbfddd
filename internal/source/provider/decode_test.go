package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/format"
)

const good = `{"transaction_id":"t-1","round_id":"r-1","player_id":"p-1","game_code":"slot-dragon","type":"bet","amount":1500,"currency":"KRW","timestamp":"2026-11-01T03:04:05Z","ref_transaction_id":""}`

// with returns good with fields replaced by name/value pairs; an empty value
// removes the field.
func with(pairs ...string) string {
	fields := strings.Split(strings.Trim(good, "{}"), ",")
	out := fields[:0]
	for _, f := range fields {
		keep := true
		for i := 0; i < len(pairs); i += 2 {
			if strings.HasPrefix(f, `"`+pairs[i]+`":`) {
				f, keep = `"`+pairs[i]+`":`+pairs[i+1], pairs[i+1] != ""
			}
		}
		if keep {
			out = append(out, f)
		}
	}
	return "{" + strings.Join(out, ",") + "}"
}

func TestMalformedRecordBecomesReject(t *testing.T) {
	for name, tc := range map[string]struct {
		bad, reason, id, detail string
	}{
		"not an object":     {`[1,2]`, format.ReasonNotObject, "", "got a JSON array"},
		"not JSON":          {`{"transaction_id":"t-1" "x":1}`, format.ReasonNotObject, "t-1", "want ',' or '}'"},
		"raw control char":  {with("round_id", "\"r-\t1\""), format.ReasonNotObject, "t-1", "control character 0x09"},
		"empty id":          {with("transaction_id", `""`), format.ReasonMissingID, "", "transaction_id: missing or empty"},
		"missing id":        {with("transaction_id", ""), format.ReasonMissingID, "", "transaction_id: missing or empty"},
		"numeric id":        {with("transaction_id", `7`), format.ReasonMissingID, "", "transaction_id: want a string, got number 7"},
		"missing round":     {with("round_id", ""), format.ReasonMissingField, "t-1", "round_id: missing or empty"},
		"missing player":    {with("player_id", `null`), format.ReasonMissingField, "t-1", "player_id: missing or empty"},
		"numeric game":      {with("game_code", `12`), format.ReasonMissingField, "t-1", "game_code: want a string, got number 12"},
		"unknown type":      {with("type", `"bonus"`), format.ReasonBadType, "t-1", `type: "bonus" is not bet, win or rollback`},
		"missing type":      {with("type", ""), format.ReasonBadType, "t-1", "type: missing or empty"},
		"float amount":      {with("amount", `12.5`), format.ReasonBadAmount, "t-1", "amount: 12.5 is not an integer literal"},
		"string amount":     {with("amount", `"12"`), format.ReasonBadAmount, "t-1", `amount: want an integer, got string "12"`},
		"exponent amount":   {with("amount", `1e3`), format.ReasonBadAmount, "t-1", "amount: 1e3 is not an integer literal"},
		"huge amount":       {with("amount", `99999999999999999999`), format.ReasonBadAmount, "t-1", "amount: 99999999999999999999 is out of the int64 range"},
		"missing amount":    {with("amount", ""), format.ReasonBadAmount, "t-1", "amount: missing"},
		"object amount":     {with("amount", `{"minor":1500}`), format.ReasonBadAmount, "t-1", `amount: want an integer, got object {"minor":1500}`},
		"bad timestamp":     {with("timestamp", `"2026-11-01 03:04:05"`), format.ReasonBadTimestamp, "t-1", `timestamp: "2026-11-01 03:04:05" is not RFC 3339`},
		"numeric timestamp": {with("timestamp", `1700000000`), format.ReasonBadTimestamp, "t-1", "timestamp: want a string, got number 1700000000"},
		"missing timestamp": {with("timestamp", ""), format.ReasonBadTimestamp, "t-1", "timestamp: missing or empty"},
		"missing currency":  {with("currency", `""`), format.ReasonMissingCurrency, "t-1", "currency: missing or empty"},
		"rollback no ref":   {with("type", `"rollback"`), format.ReasonMissingRef, "t-1", "ref_transaction_id: missing or empty on a rollback"},
		"numeric ref":       {with("ref_transaction_id", `5`), format.ReasonMissingRef, "t-1", "ref_transaction_id: want a string, got number 5"},
		"bad UTF-8 in id":   {with("transaction_id", "\"t-\xff1\""), format.ReasonBadEncoding, "", `field "transaction_id": invalid UTF-8 at byte 21: invalid UTF-8 byte 0xff`},
		"bad UTF-8 value":   {with("game_code", "\"slot-\xc3\""), format.ReasonBadEncoding, "t-1", `field "game_code": invalid UTF-8`},
		"bad UTF-8 name":    {with("round_id", "\"r-1\",\"n\xe9\":1"), format.ReasonBadEncoding, "t-1", "in a field name"},
		"bad UTF-8 unknown": {with("round_id", "\"r-1\",\"note\":\"\xff\""), format.ReasonBadEncoding, "t-1", `field "note": invalid UTF-8`},
		"lone surrogate":    {with("player_id", `"p-\ud800"`), format.ReasonBadEncoding, "t-1", "not followed by a low one"},
		"raw NUL":           {with("player_id", "\"p-\x001\""), format.ReasonNULByte, "t-1", `field "player_id": NUL character`},
		"escaped NUL":       {with("player_id", `"p-\u00001"`), format.ReasonNULByte, "t-1", `escaped NUL \u0000`},
		"duplicate field":   {with("amount", `1500,"amount":-1`), format.ReasonDuplicateField, "t-1", `field "amount": duplicate field`},
		"duplicate id":      {with("round_id", `"r-1","transaction_id":"t-2"`), format.ReasonDuplicateField, "t-1", `field "transaction_id"`},
	} {
		t.Run(name, func(t *testing.T) {
			body := `{"data":[` + good + `,` + tc.bad + `,` + with("transaction_id", `"t-3"`) + `],"next_cursor":"c2"}`
			p := fetchCanned(t, body)
			if len(p.Records) != 2 || len(p.Rejects) != 1 || p.NextCursor != "c2" {
				t.Fatalf("got %d records, %d rejects, cursor %q", len(p.Records), len(p.Rejects), p.NextCursor)
			}
			r := p.Rejects[0]
			if r.Reason != tc.reason || r.Index != 1 || string(r.Raw) != tc.bad || r.ExternalID != tc.id {
				t.Errorf("reject = %+v, want reason %s at index 1, id %q, raw as sent", r, tc.reason, tc.id)
			}
			if !strings.Contains(r.Detail, tc.detail) || !utf8.ValidString(r.Detail) || strings.ContainsRune(r.Detail, 0) {
				t.Errorf("detail = %q, want it to contain %q", r.Detail, tc.detail)
			}
			if p.Records[0].ExternalID != "t-1" || p.Records[1].ExternalID != "t-3" {
				t.Errorf("records out of order: %s, %s", p.Records[0].ExternalID, p.Records[1].ExternalID)
			}
		})
	}
}

func TestRecordMapping(t *testing.T) {
	raw := `{"ref_transaction_id":"t-0","timestamp":"2026-11-01T12:04:05.25+09:00","currency":"KRW","amount":-0,` +
		`"type":"rollback","game_code":"slot-\u00e9","player_id":"p-1","round_id":"r-1","transaction_id":"t-1\"x",` +
		`"extra":{"nested":[1,2]},"note":null}`
	body := `{"data":[` + raw + `],"total":1}`
	p := fetchCanned(t, body)
	if len(p.Records) != 1 || p.Total != 1 || p.Bytes != len(body) {
		t.Fatalf("page = %+v", p)
	}
	want := record.Record{
		Kind: record.KindProvider, ExternalID: `t-1"x`, ReferenceID: "t-0", Player: "p-1", Type: "rollback",
		Amount: 0, Currency: "KRW", OccurredAt: time.Date(2026, 11, 1, 3, 4, 5, 250e6, time.UTC),
		Attrs: []record.Attr{{Key: "game_code", Value: "slot-é"}, {Key: "round_id", Value: "r-1"}},
	}
	want.Hash = record.ComputeHash(&want)
	if got := p.Records[0]; !reflect.DeepEqual(got, want) {
		t.Errorf("record = %+v\nwant %+v", got, want)
	}
	if p := fetchCanned(t, `{"data":[]}`); p.Total != -1 || len(p.Records)+len(p.Rejects) != 0 || p.NextCursor != "" {
		t.Errorf("empty page = %+v", p)
	}
}

func TestBusinessRulesAreNotFormatErrors(t *testing.T) {
	// Unknown currency, negative amounts and rollbacks of unknown bets are
	// stage 2's call; an offset timestamp is normalized to UTC.
	body := `{"data":[` +
		with("currency", `"XXX"`) + `,` +
		with("amount", `-1500`) + `,` +
		with("type", `"rollback"`, "ref_transaction_id", `"t-nowhere"`) + `,` +
		with("timestamp", `"2026-11-01T12:04:05+09:00"`) +
		`],"next_cursor":""}`
	p := fetchCanned(t, body)
	if len(p.Rejects) != 0 || len(p.Records) != 4 {
		t.Fatalf("got %d records, rejects %+v", len(p.Records), p.Rejects)
	}
	if p.Records[1].Amount != -1500 || p.Records[2].ReferenceID != "t-nowhere" {
		t.Errorf("records = %+v", p.Records)
	}
	ts := p.Records[3].OccurredAt
	if ts.Location() != time.UTC || !ts.Equal(time.Date(2026, 11, 1, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("timestamp = %v, want 03:04:05 UTC", ts)
	}
	if p.Records[3].Hash != fetchCanned(t, `{"data":[`+good+`]}`).Records[0].Hash {
		t.Error("same instant with a different offset must hash the same")
	}
}

func TestRejectKeepsRawBytesAfterBodyChanges(t *testing.T) {
	body := []byte(`{"data":[` + with("type", `"bonus"`) + `]}`)
	p := decodeBody(t, body)
	for i := range body {
		body[i] = 'X'
	}
	if string(p.Rejects[0].Raw) != with("type", `"bonus"`) {
		t.Errorf("Raw = %q changed with the body", p.Rejects[0].Raw)
	}
}

func fetchCanned(t *testing.T, body string) source.Page {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" || r.URL.Path != "/v1/transactions" {
			http.Error(w, `{"error":"unexpected request"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}))
	defer srv.Close()
	a := open(t, source.Config{BaseURL: srv.URL + "/", Token: "tok", HTTP: srv.Client()})
	p, err := a.FetchPage(context.Background(), source.PageRequest{From: day0, To: day1})
	if err != nil {
		t.Fatalf("FetchPage: %v", err)
	}
	return p
}

package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
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
		bad, reason string
	}{
		"not an object":     {`[1,2]`, ReasonNotObject},
		"empty id":          {with("transaction_id", `""`), ReasonMissingID},
		"missing id":        {with("transaction_id", ""), ReasonMissingID},
		"numeric id":        {with("transaction_id", `7`), ReasonMissingID},
		"missing round":     {with("round_id", ""), ReasonMissingField},
		"missing player":    {with("player_id", `null`), ReasonMissingField},
		"unknown type":      {with("type", `"bonus"`), ReasonBadType},
		"missing type":      {with("type", ""), ReasonBadType},
		"float amount":      {with("amount", `12.5`), ReasonBadAmount},
		"string amount":     {with("amount", `"12"`), ReasonBadAmount},
		"exponent amount":   {with("amount", `1e3`), ReasonBadAmount},
		"huge amount":       {with("amount", `99999999999999999999`), ReasonBadAmount},
		"missing amount":    {with("amount", ""), ReasonBadAmount},
		"bad timestamp":     {with("timestamp", `"2026-11-01 03:04:05"`), ReasonBadTimestamp},
		"numeric timestamp": {with("timestamp", `1700000000`), ReasonBadTimestamp},
		"missing currency":  {with("currency", `""`), ReasonMissingCurrency},
		"rollback no ref":   {with("type", `"rollback"`), ReasonMissingRef},
	} {
		t.Run(name, func(t *testing.T) {
			body := `{"data":[` + good + `,` + tc.bad + `,` + with("transaction_id", `"t-3"`) + `],"next_cursor":"c2"}`
			p := fetchCanned(t, body)
			if len(p.Records) != 2 || len(p.Rejects) != 1 || p.NextCursor != "c2" {
				t.Fatalf("got %d records, %d rejects, cursor %q", len(p.Records), len(p.Rejects), p.NextCursor)
			}
			r := p.Rejects[0]
			if r.Reason != tc.reason || r.Index != 1 || string(r.Raw) != tc.bad || r.Detail == "" {
				t.Errorf("reject = %+v, want reason %s at index 1 with raw and detail", r, tc.reason)
			}
			if p.Records[0].TransactionID != "t-1" || p.Records[1].TransactionID != "t-3" {
				t.Errorf("records out of order: %s, %s", p.Records[0].TransactionID, p.Records[1].TransactionID)
			}
		})
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
	if p.Records[1].Amount != -1500 || p.Records[2].RefTransactionID != "t-nowhere" {
		t.Errorf("records = %+v", p.Records)
	}
	ts := p.Records[3].Timestamp
	if ts.Location() != time.UTC || !ts.Equal(time.Date(2026, 11, 1, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("timestamp = %v, want 03:04:05 UTC", ts)
	}
	if p.Records[3].Hash != fetchCanned(t, `{"data":[`+good+`]}`).Records[0].Hash {
		t.Error("same instant with a different offset must hash the same")
	}
}

func fetchCanned(t *testing.T, body string) Page {
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
	c := &Client{BaseURL: srv.URL + "/", Token: "tok", HTTP: srv.Client()}
	p, err := c.FetchPage(context.Background(), day0, day1, "")
	if err != nil {
		t.Fatalf("FetchPage: %v", err)
	}
	return p
}

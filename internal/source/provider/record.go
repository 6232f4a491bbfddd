package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Record is one format-valid transaction. Business rules (known currency,
// non-negative amount, inside the period, rollback of a known bet) are not
// checked here; a later validation stage owns them.
type Record struct {
	TransactionID    string
	RoundID          string
	PlayerID         string
	GameCode         string
	Type             string // bet, win or rollback
	Currency         string
	RefTransactionID string
	Amount           int64 // minor units as sent; may be negative
	Timestamp        time.Time
	Hash             string // see hash.go
}

// Reject is a record that failed format validation, kept with its raw bytes
// for quarantine.
type Reject struct {
	Index         int // position in the page's data array
	TransactionID string
	Reason        string
	Detail        string
	Raw           json.RawMessage
}

// Format reject reason codes.
const (
	ReasonNotObject       = "FORMAT_NOT_OBJECT"
	ReasonMissingID       = "FORMAT_MISSING_ID"
	ReasonMissingField    = "FORMAT_MISSING_FIELD" // round_id or player_id
	ReasonBadType         = "FORMAT_BAD_TYPE"
	ReasonBadTimestamp    = "FORMAT_BAD_TIMESTAMP"
	ReasonBadAmount       = "FORMAT_BAD_AMOUNT"
	ReasonMissingCurrency = "FORMAT_MISSING_CURRENCY"
	ReasonMissingRef      = "FORMAT_MISSING_REF" // rollback without ref_transaction_id
)

// formatError carries a reason code up to decodeRecord's caller.
type formatError struct{ reason, detail string }

// decodeRecord checks one element of data. Fields are read from raw JSON so
// that 12.5 or "12" is a reject rather than a silent conversion.
func decodeRecord(raw json.RawMessage) (Record, *formatError) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return Record{}, &formatError{ReasonNotObject, "record is not a JSON object"}
	}
	var r Record
	var fe *formatError
	str := func(name, reason string, required bool) string {
		if fe != nil {
			return ""
		}
		s, err := stringField(fields, name)
		switch {
		case err != nil:
			fe = &formatError{reason, err.Error()}
		case required && s == "":
			fe = &formatError{reason, name + ": missing or empty"}
		}
		return s
	}
	r.TransactionID = str("transaction_id", ReasonMissingID, true)
	r.RoundID = str("round_id", ReasonMissingField, true)
	r.PlayerID = str("player_id", ReasonMissingField, true)
	r.GameCode = str("game_code", ReasonMissingField, false)
	r.Type = str("type", ReasonBadType, true)
	r.Currency = str("currency", ReasonMissingCurrency, true)
	r.RefTransactionID = str("ref_transaction_id", ReasonMissingRef, false)
	if fe != nil {
		return r, fe
	}
	switch r.Type {
	case "bet", "win":
	case "rollback":
		if r.RefTransactionID == "" {
			return r, &formatError{ReasonMissingRef, "rollback without ref_transaction_id"}
		}
	default:
		return r, &formatError{ReasonBadType, fmt.Sprintf("type %q: want bet, win or rollback", r.Type)}
	}
	amount, err := integerField(fields, "amount")
	if err != nil {
		return r, &formatError{ReasonBadAmount, err.Error()}
	}
	r.Amount = amount
	ts, err := stringField(fields, "timestamp")
	if err != nil || ts == "" {
		return r, &formatError{ReasonBadTimestamp, "timestamp: must be an RFC3339 string"}
	}
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return r, &formatError{ReasonBadTimestamp, fmt.Sprintf("timestamp %q: %v", ts, err)}
	}
	r.Timestamp = t.UTC()
	r.Hash = Hash(r)
	return r, nil
}

// stringField returns "" for an absent or null field and an error for any
// non-string JSON value.
func stringField(fields map[string]json.RawMessage, name string) (string, error) {
	raw, ok := fields[name]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s: not a string", name)
	}
	return s, nil
}

// integerField accepts only a JSON number written as an integer: money never
// goes through float64, and 1e3 or 12.0 mean the sender is not sending minor
// units as agreed.
func integerField(fields map[string]json.RawMessage, name string) (int64, error) {
	raw, ok := fields[name]
	if !ok {
		return 0, fmt.Errorf("%s: missing", name)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.ContainsAny(raw, ".eE\"") || string(raw) == "null" {
		return 0, fmt.Errorf("%s %s: must be a JSON integer", name, snippet(raw, 32))
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %s: must be an int64 integer", name, snippet(raw, 32))
	}
	return n, nil
}

// rejectID recovers a transaction id from a rejected record when it has one,
// so quarantine entries can be traced back to the provider.
func rejectID(raw json.RawMessage) string {
	var v struct {
		ID any `json:"transaction_id"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	if s, ok := v.ID.(string); ok {
		return s
	}
	return ""
}

func snippet(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

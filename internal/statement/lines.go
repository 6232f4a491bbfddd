package statement

import (
	"encoding/json"

	"github.com/settleflow/settleflow/internal/settle"
)

// Lines are a statement's shares, one per currency.
//
// settle.Share carries no JSON tags: its Go field names are its encoding in
// Temporal histories. A published statement spells the same fields in
// snake_case, so Lines converts each share to publishedLine, which differs
// from settle.Share only in its tags, when it is encoded or decoded.
type Lines []settle.Share

// publishedLine is a share as published statements spell it. Struct
// conversion requires its fields to match settle.Share's exactly, so the
// compiler keeps the two in step; the tags and their order are the
// published format, which is hashed and must never change.
type publishedLine struct {
	Partner          string `json:"-"` // the statement names its partner once
	Currency         string `json:"currency"`
	GGR              int64  `json:"ggr"`
	PartnerAmount    int64  `json:"partner_amount"`
	OperatorAmount   int64  `json:"operator_amount"`
	AgreementVersion int    `json:"agreement_version"`
	Explanation      string `json:"explanation"`
}

// MarshalJSON encodes the lines as published; no lines encode as null, as
// a nil slice always has.
func (ls Lines) MarshalJSON() ([]byte, error) {
	if ls == nil {
		return []byte("null"), nil
	}
	out := make([]publishedLine, len(ls))
	for i, s := range ls {
		out[i] = publishedLine(s)
	}
	return json.Marshal(out)
}

// UnmarshalJSON decodes published lines, for readers of stored statements.
// The lines come back without their partner, which the statement holds.
func (ls *Lines) UnmarshalJSON(data []byte) error {
	var in []publishedLine
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	if in == nil {
		*ls = nil
		return nil
	}
	*ls = make(Lines, len(in))
	for i, l := range in {
		(*ls)[i] = settle.Share(l)
	}
	return nil
}

package provider

import (
	"errors"

	"github.com/settleflow/settleflow/internal/source/wire"
)

// Format reject reason codes. They are stored with each quarantined
// record, so a code keeps its meaning once released.
const (
	ReasonNotObject       = "FORMAT_NOT_OBJECT" // not a JSON object, or not JSON
	ReasonMissingID       = "FORMAT_MISSING_ID"
	ReasonMissingField    = "FORMAT_MISSING_FIELD" // round_id or player_id; game_code not a string
	ReasonBadType         = "FORMAT_BAD_TYPE"
	ReasonBadTimestamp    = "FORMAT_BAD_TIMESTAMP"
	ReasonBadAmount       = "FORMAT_BAD_AMOUNT"
	ReasonMissingCurrency = "FORMAT_MISSING_CURRENCY"
	ReasonMissingRef      = "FORMAT_MISSING_REF"  // rollback without ref_transaction_id
	ReasonBadEncoding     = "FORMAT_BAD_ENCODING" // invalid UTF-8 in a name or string
	ReasonNULByte         = "FORMAT_NUL_BYTE"     // U+0000, raw or escaped, in a string
	ReasonDuplicateField  = "FORMAT_DUPLICATE_FIELD"
)

// formatError is why one record was rejected.
type formatError struct{ reason, detail string }

// parseFailure maps wire's refusal of a record to a reason.
func parseFailure(err error) *formatError {
	reason := ReasonNotObject
	var we *wire.Error
	if errors.As(err, &we) {
		switch we.Code {
		case wire.BadUTF8:
			reason = ReasonBadEncoding
		case wire.NUL:
			reason = ReasonNULByte
		case wire.Duplicate:
			reason = ReasonDuplicateField
		}
	}
	return &formatError{reason, err.Error()}
}

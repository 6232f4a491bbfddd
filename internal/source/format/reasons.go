// Package format is stage 1 of validation, shared by every source adapter:
// the reason codes a malformed record is rejected with, the reject that
// keeps its bytes for quarantine, and readers of the field types partner
// feeds send. Each adapter keeps only its record's field mapping.
package format

import (
	"errors"
	"fmt"

	"github.com/settleflow/settleflow/internal/source/wire"
)

// Format reject reason codes. They are stored with each quarantined
// record, so a code keeps its meaning once released.
const (
	ReasonNotObject       = "FORMAT_NOT_OBJECT" // not a JSON object, or not JSON
	ReasonMissingID       = "FORMAT_MISSING_ID"
	ReasonMissingField    = "FORMAT_MISSING_FIELD" // a required string missing or empty, or a string field of another type
	ReasonBadType         = "FORMAT_BAD_TYPE"
	ReasonBadTimestamp    = "FORMAT_BAD_TIMESTAMP"
	ReasonBadAmount       = "FORMAT_BAD_AMOUNT" // an amount (or fee) that is not an integer literal in range
	ReasonMissingCurrency = "FORMAT_MISSING_CURRENCY"
	ReasonMissingRef      = "FORMAT_MISSING_REF"  // a record of a type that points at another without saying which
	ReasonBadEncoding     = "FORMAT_BAD_ENCODING" // invalid UTF-8 in a name or string
	ReasonNULByte         = "FORMAT_NUL_BYTE"     // U+0000, raw or escaped, in a string
	ReasonDuplicateField  = "FORMAT_DUPLICATE_FIELD"
	ReasonBadField        = "FORMAT_BAD_FIELD" // a flag or date that is not what the feed defines
	ReasonBadRate         = "FORMAT_BAD_RATE"  // a rate that is not a positive exact decimal
)

// Reasons lists every code.
var Reasons = []string{
	ReasonNotObject, ReasonMissingID, ReasonMissingField, ReasonBadType, ReasonBadTimestamp, ReasonBadAmount,
	ReasonMissingCurrency, ReasonMissingRef, ReasonBadEncoding, ReasonNULByte, ReasonDuplicateField,
	ReasonBadField, ReasonBadRate,
}

// Error is why one record was rejected.
type Error struct{ Reason, Detail string }

// Errorf is an Error with a formatted detail.
func Errorf(reason, format string, args ...any) *Error {
	return &Error{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// ParseFailure maps wire's refusal of a record to a reason.
func ParseFailure(err error) *Error {
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
	return &Error{Reason: reason, Detail: err.Error()}
}

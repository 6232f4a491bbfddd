package platform

import (
	"errors"
	"fmt"
)

// InvalidError is a request that is wrong in itself: Field names what was
// wrong and Err says why. The API answers it with 400 and the CLI prints it.
type InvalidError struct {
	Field string
	Err   error
}

func (e *InvalidError) Error() string { return fmt.Sprintf("%s: %v", e.Field, e.Err) }

func (e *InvalidError) Unwrap() error { return e.Err }

// invalid wraps err as wrong input in field.
func invalid(field string, err error) error { return &InvalidError{Field: field, Err: err} }

// ErrUnauthenticated is a token or session that is unknown, malformed,
// revoked or expired. Which of these it was is not said, on purpose.
var ErrUnauthenticated = errors.New("unknown, revoked or expired credentials")

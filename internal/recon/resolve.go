package recon

import (
	"fmt"
	"strings"
)

// Statuses of a discrepancy. Every break starts open or, within tolerance,
// auto-resolved; an operator moves an open one to accepted, adjusted or
// carried, and nothing moves after that.
const (
	StatusOpen         = "open"
	StatusAutoResolved = "auto_resolved"
	StatusAccepted     = "accepted"
	StatusAdjusted     = "adjusted"
	StatusCarried      = "carried"
)

// Statuses lists every status in the order a person reads them.
var Statuses = []string{StatusOpen, StatusAutoResolved, StatusAccepted, StatusAdjusted, StatusCarried}

// Resolution actions an operator takes on an open discrepancy.
const (
	// ActionAccept: the difference stands as it is; nothing is posted.
	ActionAccept = "accept"
	// ActionAdjust: the difference is booked by a balanced journal entry
	// of its own.
	ActionAdjust = "adjust"
	// ActionCarry: the break moves into the next cycle's reconciliation.
	ActionCarry = "carry"
)

// Actions lists the resolution actions.
var Actions = []string{ActionAccept, ActionAdjust, ActionCarry}

// AutoResolver is the actor recorded on breaks settleflow resolves itself.
const AutoResolver = "settleflow"

// StatusAfter is the status an action leaves a discrepancy in.
func StatusAfter(action string) (string, error) {
	switch action {
	case ActionAccept:
		return StatusAccepted, nil
	case ActionAdjust:
		return StatusAdjusted, nil
	case ActionCarry:
		return StatusCarried, nil
	}
	return "", fmt.Errorf("action %q: want %s", action, strings.Join(Actions, ", "))
}

// Resolution is an operator's decision on one discrepancy.
type Resolution struct {
	Action string
	Actor  string
	Reason string
}

// Break is what a resolution is checked against.
type Break struct {
	Status string
	Kind   string
	// Difference is the authoritative side minus the other, in Currency's
	// minor units; nil when the two sides cannot be compared.
	Difference *int64
	Currency   string
}

// Check says whether the resolution may be applied to b, and why not.
// Errors name the field at fault, so a bulk import can report them.
func (r Resolution) Check(b Break) error {
	if _, err := StatusAfter(r.Action); err != nil {
		return FieldError{Field: "action", Err: err}
	}
	if strings.TrimSpace(r.Reason) == "" {
		return FieldError{Field: "reason", Err: fmt.Errorf("a reason is required")}
	}
	if strings.TrimSpace(r.Actor) == "" {
		return FieldError{Field: "actor", Err: fmt.Errorf("say who resolves it")}
	}
	if b.Status != StatusOpen {
		return FieldError{Field: "status", Err: fmt.Errorf("the discrepancy is %s; only open ones can be resolved", b.Status)}
	}
	if r.Action == ActionAdjust {
		switch {
		case b.Difference == nil:
			return FieldError{Field: "action", Err: fmt.Errorf("adjust: a %s has no difference in one currency to book; accept or carry it", b.Kind)}
		case *b.Difference == 0:
			return FieldError{Field: "action", Err: fmt.Errorf("adjust: the amounts agree, there is nothing to book; accept it")}
		}
	}
	return nil
}

// FieldError is a refusal that names the field at fault.
type FieldError struct {
	Field string
	Err   error
}

func (e FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e FieldError) Unwrap() error { return e.Err }

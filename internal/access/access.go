// Package access is who may do what: the roles an API token carries, what
// each operator action needs, and the tokens themselves (generated,
// hashed, compared). It imports neither pgx nor Temporal; the store keeps
// the hashes and the server asks this package what a role allows.
package access

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

// Role is what a token may do. Roles are ordered: each allows everything
// the ones before it allow.
type Role string

// Roles, weakest first.
const (
	// Viewer reads cycles, steps, quarantine, statements, schedules and charts.
	Viewer Role = "viewer"
	// Operator also starts cycles and retries, skips or aborts them, and
	// resolves reconciliation breaks (see ResolverRole).
	Operator Role = "operator"
	// Approver also approves or rejects a cycle at the approval gate.
	Approver Role = "approver"
	// Admin also manages schedules and API tokens.
	Admin Role = "admin"
)

// Roles lists every role, weakest first.
var Roles = []Role{Viewer, Operator, Approver, Admin}

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !slices.Contains(Roles, r) {
		return "", fmt.Errorf("role %q: want one of viewer, operator, approver, admin", s)
	}
	return r, nil
}

// Allows says whether a token of role r may do what needs role need.
func (r Role) Allows(need Role) bool {
	have, want := slices.Index(Roles, r), slices.Index(Roles, need)
	return have >= 0 && want >= 0 && have >= want
}

// ForAction is the role an operator action needs: deciding the approval
// gate is an approver's; moving a blocked cycle on is an operator's.
func ForAction(action string) (Role, error) {
	switch action {
	case lifecycle.ActionRetry, lifecycle.ActionSkip, lifecycle.ActionAbort, lifecycle.ActionFallback:
		return Operator, nil
	case lifecycle.ActionApprove, lifecycle.ActionReject:
		return Approver, nil
	}
	return "", fmt.Errorf("unknown action %q (want one of %v)", action, lifecycle.Actions)
}

// ResolverRole is the role resolving reconciliation breaks needs, for
// every action (accept, adjust, carry), one by one or by import.
//
// A resolution is not a lifecycle action (ForAction): it is no workflow
// Update but a write to Postgres that the cycle's gate reads when it next
// looks, and it needs no four eyes. Adjust stays an operator's although it
// posts a journal entry: its amount and accounts are fixed by the break
// and the scope's authoritative side, not chosen by whoever resolves it;
// it books between the corrected source's clearing account and the
// operator's adjustments account, which no statement or partner payable
// reads; and undoing the cycle reverses it. Where a scope wants a second
// person to look, its gate sends the cycle to an approver (action:
// approve), who sees every resolution and whose reject reverses every
// adjustment. Making adjust an approver's would have the checker make
// the decisions it is there to check.
const ResolverRole = Operator

// Identity is who a request acts as: the token's name is the actor every
// mutating call records, and what four eyes compares.
type Identity struct {
	TokenID uuid.UUID
	Name    string
	Role    Role
}

// namePattern keeps names readable in logs and event records: a person's
// or a service's handle, no spaces.
var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{0,63}$`)

// reservedNames are actors settleflow itself records (auto-abort, the
// scheduler); a token named so could pass for them.
var reservedNames = []string{"settleflow", "scheduler"}

// CheckName says why a token name cannot be used, if it cannot.
func CheckName(name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("name %q: want 1-64 characters of a-z, 0-9, '.', '_', '@' or '-', starting with a letter or digit", name)
	}
	if slices.Contains(reservedNames, name) {
		return fmt.Errorf("name %q is reserved: settleflow records it as the actor of its own actions", name)
	}
	return nil
}

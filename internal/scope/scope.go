// Package scope reads scope configuration: one YAML file per scope naming its
// calendar, sources, partner agreements and approval / blocked-cycle policy.
//
// Decoding is strict (unknown fields are errors) because a misspelt key in a
// settlement config would otherwise be dropped silently and change money.
package scope

import (
	"regexp"
	"time"

	"github.com/settleflow/settleflow/internal/calendar"
)

// Source kinds, as written in the YAML.
const (
	KindProvider = "provider"
	KindWallet   = "wallet"
	KindPSP      = "psp"
	KindTraffic  = "traffic"
	KindFX       = "fx"
)

var kinds = []string{KindProvider, KindWallet, KindPSP, KindTraffic, KindFX}

const (
	// DefaultPageSize applies when a source leaves page_size out.
	DefaultPageSize = 500
	// MaxPageSize bounds a page so one activity call stays small.
	MaxPageSize = 10000
	// DefaultAutoAbortAfter applies when blocked.auto_abort_after is left out.
	DefaultAutoAbortAfter = 24 * time.Hour
)

var (
	idPattern       = regexp.MustCompile(`^[a-z0-9-]+$`)
	envPattern      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Scope is one validated scope configuration.
type Scope struct {
	Name        string
	Description string
	Calendar    calendar.Calendar
	Sources     []Source
	// Agreements lists partner ids; see AgreementPath for where their files live.
	Agreements []string
	Approval   Approval
	Blocked    Blocked
}

// Source is one external feed of a scope.
type Source struct {
	Name, Kind, Partner string
	URL                 string // may be empty when only URLEnv supplies it
	TokenEnv, Token     string
	PageSize            int
	Optional            bool
}

// Approval says when a cycle must wait for an operator before posting.
type Approval struct {
	Required bool
	// AmountAbove maps a currency code to a threshold in minor units.
	AmountAbove map[string]int64
	// RejectsAbove is nil when the rejected-record count never forces approval.
	RejectsAbove        *int
	NewAgreementVersion bool
}

// AmountExceeds reports whether a partner amount in currency needs approval.
// Negative amounts (the operator is owed) are compared by magnitude, since a
// large refund deserves the same second look as a large payment.
func (a Approval) AmountExceeds(currency string, minor int64) bool {
	limit, ok := a.AmountAbove[currency]
	if !ok {
		return false
	}
	if minor < 0 {
		minor = -minor
	}
	return minor > limit
}

// RejectsExceed reports whether n rejected records need approval.
func (a Approval) RejectsExceed(n int) bool {
	return a.RejectsAbove != nil && n > *a.RejectsAbove
}

// Blocked is the policy for a cycle whose step has exhausted its retries.
type Blocked struct {
	AlertWebhook   string // empty means no alert
	AutoAbortAfter time.Duration
}

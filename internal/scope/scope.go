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
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/trend"
)

const (
	// MaxPageSize bounds a page whatever the source allows; page_size 0 (or
	// left out) asks for the largest page the source's kind serves.
	MaxPageSize = 10000
	// DefaultSlices and DefaultParallel split a source's period into time
	// slices pulled side by side; the number does not depend on volume, so
	// a cycle's history has the same size whatever it settles.
	DefaultSlices   = 4
	DefaultParallel = 2
	// MaxSlices keeps a cycle's history small whatever the configuration.
	MaxSlices = 64
	// DefaultMaxPages bounds the pages of one slice, so a feed whose
	// cursor never ends cannot keep a pull alive forever.
	DefaultMaxPages = 100_000
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
	// Anomalies are the stage-3 thresholds against trailing cycles.
	Anomalies trend.Thresholds
	Retention Retention
	// Resilience is how steps retry before the cycle blocks.
	Resilience Resilience
	// Intake says when a period may be settled and what is done with
	// records no agreement covers.
	Intake Intake
	// Reconciliation is the pairs the cycle matches and what open breaks do.
	Reconciliation recon.Config
}

// Source is one external feed of a scope. Partner is empty for the
// operator's own data and reference data.
type Source struct {
	Name, Kind, Partner string
	// KindLine is the line of the file that names the kind, so a kind
	// without an adapter is reported where it was written.
	KindLine        int
	URL             string // may be empty when only URLEnv supplies it
	TokenEnv, Token string
	PageSize        int // 0: the largest page the source serves
	// Slices is how many time slices the period is pulled in; Parallel is
	// how many of them are pulled at once.
	Slices   int
	Parallel int
	MaxPages int // per slice
	Optional bool
	// Requests bounds and retries each page's request.
	Requests source.Requests
	// Fallback is the source whose records may stand in for this one's
	// when its pull keeps failing; FallbackKind is that source's kind and
	// FallbackMode who switches (FallbackManual or FallbackAuto).
	Fallback     string
	FallbackKind string
	FallbackMode string
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

package workflows

import (
	"time"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/settle"
)

// CycleInput starts a settlement cycle.
type CycleInput struct {
	Scope       string
	PeriodKey   string // the period as a person names it, e.g. 2026-11-01
	PeriodStart time.Time
	PeriodEnd   time.Time
	Revision    int
	// Revise settles a completed period again as a new revision that
	// reverses and supersedes the previous one.
	Revise    bool
	StartedBy string
	// Forced is why an operator started the period before its end plus
	// the scope's late-data grace; empty when that had passed.
	Forced string
	Tuning Tuning
}

// Tuning overrides the scope's retry policy (resilience.steps) where a
// field is not zero; the zero value is production. Tests shorten it so
// failures surface in seconds. ActivityDeadline applies to every step but
// the pull, PullHeartbeat to the pull only.
type Tuning struct {
	MaxAttempts      int32
	RetryInterval    time.Duration
	PullHeartbeat    time.Duration
	ActivityDeadline time.Duration
	// AutoAbortAfter overrides the scope's blocked-cycle timeout.
	AutoAbortAfter time.Duration
}

// CycleResult is the summary a completed cycle returns: counts and sums only.
type CycleResult struct {
	CycleID    string
	WorkflowID string
	Scope      string
	PeriodKey  string
	Revision   int
	Status     string
	Pulls      []activities.PullResult
	Validation activities.ValidateResult
	// Reconciliation is as the reconcile step found it (absent in cycles
	// run before the step existed); `cycle show` reads the live counts.
	Reconciliation activities.ReconcileResult
	Shares         []settle.Share
	Posting        activities.PostResult
	Statements     []activities.StatementRef
	// Summary is the cycle in plain language (stage 3 writes it).
	Summary string `json:",omitempty"`
	// Corrections, on a revision of a cycle settled partly from a
	// fallback, are how the source's own figures differ, per currency.
	Corrections []activities.FallbackCorrection `json:",omitempty"`
}

// StepState is one step as the status query shows it.
type StepState struct {
	Name      string
	Status    string
	StartedAt time.Time
	EndedAt   time.Time
	Attempts  int
	Counts    map[string]int64
	Error     string
}

// CycleStatus is what the status query returns.
type CycleStatus struct {
	CycleID     string
	WorkflowID  string
	Scope       string
	PeriodKey   string
	PeriodStart time.Time
	PeriodEnd   time.Time
	Revision    int
	Status      string
	Steps       []StepState
	Compensated []string
	Error       string
	StartedBy   string
	// Blocked is set while the cycle waits for an operator after a failure.
	Blocked *Blocked
	// Approval is set once the approval gate has opened.
	Approval *Approval
	// Actions are the operator actions applied, oldest first.
	Actions []ActionRecord
	// Fallbacks are the sources whose figures their fallbacks gave.
	Fallbacks []FallbackUse
	// Episode counts the waits for an operator so far; a command's update
	// ID includes it, so repeating a command applies it once.
	Episode int
	// Summary is the cycle in plain language, once stage 3 has run.
	Summary string `json:",omitempty"`
}

// Blocked describes what a blocked cycle waits on.
type Blocked struct {
	Step        string
	Error       string
	Since       time.Time
	AutoAbortAt time.Time // zero when it never aborts on its own
	CanSkip     bool
	CanAbort    bool
	// CanFallback: a failed source can be settled from its fallback.
	CanFallback bool `json:",omitempty"`
}

// FallbackUse is a source settled from its fallback source.
type FallbackUse struct {
	Source   string
	Fallback string
	Mode     string // manual (an operator) or auto
	Actor    string
	Reason   string
	Records  int // staged from the fallback
}

// Approval describes the approval gate.
type Approval struct {
	Reasons  []string
	Decision string // approve, reject or abort once decided
	Actor    string
}

// ActionRecord is one operator action applied to the cycle.
type ActionRecord struct {
	Action   string
	Actor    string
	Reason   string
	Step     string
	Episode  int
	Recorded time.Time
}

// ActionRequest is the argument of every operator Update.
type ActionRequest struct {
	Actor  string
	Reason string
}

// ActionResult is what an accepted operator Update returns.
type ActionResult struct {
	Action  string
	Episode int
	Status  string
}

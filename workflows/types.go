package workflows

import (
	"time"

	"github.com/settleflow/settleflow/activities"
)

// CycleInput starts a settlement cycle.
type CycleInput struct {
	Scope       string
	PeriodKey   string // the period as a person names it, e.g. 2026-11-01
	PeriodStart time.Time
	PeriodEnd   time.Time
	Revision    int
	StartedBy   string
	Tuning      Tuning
}

// Tuning overrides retry and timeout defaults; the zero value is production.
// Tests shorten them so failures surface in seconds.
type Tuning struct {
	MaxAttempts      int32
	RetryInterval    time.Duration
	PullHeartbeat    time.Duration
	ActivityDeadline time.Duration
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
	Shares     []activities.ShareSummary
	Posting    activities.PostResult
	Statements []activities.StatementRef
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
}

package activities

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/scope"
	"github.com/settleflow/settleflow/internal/settle"
)

// CycleRef names a cycle in every activity input.
type CycleRef struct {
	CycleID uuid.UUID
}

// OpenInput is what the open step records.
type OpenInput struct {
	CycleID     uuid.UUID
	WorkflowID  string
	RunID       string
	Scope       string
	PeriodKey   string
	PeriodStart time.Time
	PeriodEnd   time.Time
	Revision    int
	Revise      bool
	StartedBy   string
	// Forced is why the period is settled before its end plus the late-data
	// grace; empty when that has passed.
	Forced string
}

// SourceRef is a scope's source as frozen at open.
type SourceRef struct {
	Name     string
	Kind     string
	Partner  string
	Optional bool
	// Fallback is the source that may stand in for this one when its pull
	// keeps failing; FallbackMode says who switches: an operator
	// (manual) or settleflow at once (auto). Empty in cycles opened
	// before fallbacks.
	Fallback     string `json:",omitempty"`
	FallbackMode string `json:",omitempty"`
	// Slices and Parallel shape the pull: how many time slices the period
	// is cut into, and how many are pulled at once. Zero in cycles opened
	// before pulls were sliced.
	Slices   int
	Parallel int
}

// FrozenAgreement is the agreement version a cycle settles a partner under.
type FrozenAgreement struct {
	Partner string
	Version int
}

// OpenResult is what the workflow needs from the frozen configuration.
type OpenResult struct {
	Sources    []SourceRef
	Agreements []FrozenAgreement
	// Revision is the cycle's revision: 1, or for a revise the next after
	// the completed cycle it supersedes.
	Revision       int
	Supersedes     *uuid.UUID
	AutoAbortAfter time.Duration
	// Steps are the scope's retry policies per step; nil in cycles opened
	// before they were frozen.
	Steps map[string]scope.StepPolicy
}

// ApprovalCheck says whether the approval gate opens, and why.
type ApprovalCheck struct {
	Needed  bool
	Reasons []string
}

// AlertInput describes a blocked cycle for the operator alert.
type AlertInput struct {
	CycleID     uuid.UUID
	WorkflowID  string
	Scope       string
	PeriodKey   string
	Revision    int
	Step        string
	Error       string
	Episode     int
	BlockedAt   time.Time
	AutoAbortAt time.Time
}

// PullInput names one source of one cycle.
type PullInput struct {
	CycleID     uuid.UUID
	Scope       string
	Source      string
	PeriodStart time.Time
	PeriodEnd   time.Time
}

// PullProgress is heartbeated after every staged page, so a retried attempt
// resumes at Cursor instead of starting over.
type PullProgress struct {
	Cursor     string
	Pages      int
	Received   int
	Inserted   int
	Duplicates int
	Conflicts  int
	Rejects    int
}

// PullResult summarises one source's pull.
type PullResult struct {
	Source   string
	Progress PullProgress
	Resumed  bool
	// ControlTotals is how many lines of control totals the source
	// published for the period (0 when it publishes none).
	ControlTotals int `json:",omitempty"`
	// Fallback names the source whose records stood in for this one's,
	// when its own pull kept failing.
	Fallback string `json:",omitempty"`
}

// ValidateResult counts the outcome of validation.
type ValidateResult struct {
	Staged        int64
	Accepted      int64
	Rejected      int64
	FormatRejects int64
	Conflicts     int64
	ByReason      map[string]int64
}

// ReconcileResult is what the reconcile step found: counts by pair and
// type as they stood when it ran, and why open breaks hold the cycle.
type ReconcileResult struct {
	ReportingCurrency string
	Counts            []recon.Count
	Total             recon.Count
	CarriedIn         int64
	GateAction        string
	// Gate lists why open breaks hold the cycle; empty when they do not.
	Gate []string
}

// SplitResult lists the shares computed.
type SplitResult struct {
	Shares []settle.Share
	// Corrections are set on a revision of a cycle whose figures a
	// fallback gave: how the source's own figures differ.
	Corrections []FallbackCorrection `json:",omitempty"`
}

// PostResult describes the journal entry posted.
type PostResult struct {
	EntryID  uuid.UUID
	Lines    int
	Posted   bool // false when an earlier attempt had posted it
	Balanced bool
}

// StatementRef is a published statement's identity.
type StatementRef struct {
	Partner string
	ID      uuid.UUID
	SHA256  string
}

// PublishResult lists the statements published.
type PublishResult struct {
	Statements []StatementRef
}

// EventInput is one entry for the cycle's event log. Status and Step, when
// set, move the cycle's status projection.
type EventInput struct {
	CycleID     uuid.UUID
	Seq         int
	Kind        string
	Step        string
	Actor       string
	Payload     json.RawMessage
	Status      string
	CurrentStep *string
	// Scope and Took feed the metrics: the cycle's scope, and for the end
	// of a step how long its last attempt ran.
	Scope string
	Took  time.Duration
}

// CloseInput carries the summary stored with the completed cycle.
type CloseInput struct {
	CycleID uuid.UUID
	Summary json.RawMessage
}

// CompensateInput names the cycle and why it is being undone.
type CompensateInput struct {
	CycleID uuid.UUID
	Source  string
	Reason  string
}

// SliceInput names one slice of one source's period: [From, To), the
// Index-th of Of slices. Slices of a source are pulled side by side.
type SliceInput struct {
	CycleID uuid.UUID
	Scope   string
	Source  string
	Index   int
	Of      int
	From    time.Time
	To      time.Time
}

// SliceProgress is heartbeated while a slice is pulled, on a timer and
// after every committed batch: Cursor is the cursor after the last
// committed page, so a retried attempt resumes there. Counts are
// cumulative across attempts.
type SliceProgress struct {
	Cursor   string
	Pages    int
	Received int   // format-valid records committed to staging
	Rejects  int   // format rejects quarantined
	Bytes    int64 // response bytes read
	// Total is the record count the source reports for the slice, -1 when
	// it does not say.
	Total int64
	// Resumed is set once an attempt has started from a heartbeat.
	Resumed bool
}

// FinishInput ends one source's pull with what its slices pulled.
type FinishInput struct {
	CycleID uuid.UUID
	Source  string
	Slices  []SliceProgress
}

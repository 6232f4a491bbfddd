// Package lifecycle is the vocabulary of a settlement cycle: its statuses,
// its steps and theirs, the operator actions and the kinds of event its log
// records. The workflow writes these words to search attributes and the
// event log, the store to the cycles projection, and the platform and CLI
// read them back, so each is declared here once. Stored words are part of
// the record (the event log is hash-chained): their spelling never changes.
//
// The package is plain constants, importing neither Temporal nor pgx, so
// every layer can share it.
package lifecycle

// Cycle statuses, as shown in queries, search attributes and the cycles
// projection.
const (
	StatusRunning          = "running"
	StatusBlocked          = "blocked"
	StatusAwaitingApproval = "awaiting_approval"
	StatusCompleted        = "completed"
	StatusCompensating     = "compensating"
	StatusCompensated      = "compensated"
	// StatusSuperseded is a completed cycle whose period a later revision
	// settled again. Only the projection shows it: the workflow had
	// finished as completed.
	StatusSuperseded = "superseded"
	// StatusAbandoned is an unfinished cycle whose workflow run ended
	// without recording its end; the store marks it when the workflow ID
	// runs again.
	StatusAbandoned = "abandoned"
)

// Statuses lists the statuses a cycle's workflow reports, in its status
// query and search attribute; the projection's superseded and abandoned
// are never among them.
var Statuses = []string{StatusRunning, StatusBlocked, StatusAwaitingApproval, StatusCompleted,
	StatusCompensating, StatusCompensated}

// Steps of the cycle saga, in order.
const (
	StepOpen      = "open"
	StepPull      = "pull"
	StepValidate  = "validate"
	StepReconcile = "reconcile"
	StepSplit     = "split"
	StepApprove   = "approve"
	StepPost      = "post"
	StepPublish   = "publish"
	StepClose     = "close"
)

// Steps lists the saga's steps in order.
var Steps = []string{StepOpen, StepPull, StepValidate, StepSplit, StepApprove, StepPost, StepPublish, StepClose}

// Step statuses, as the status query shows them. A step running, blocked,
// completed or compensated is described in the same word as a cycle in
// that state, so the two lists cannot drift apart.
const (
	StepPending     = "pending"
	StepRunning     = StatusRunning
	StepBlocked     = StatusBlocked
	StepWaiting     = "waiting"
	StepDone        = StatusCompleted
	StepSkipped     = "skipped"
	StepFailed      = "failed"
	StepCompensated = StatusCompensated
)

// Operator actions. Each is a workflow Update of that name, and an applied
// action is logged as an event of kind ActionEvent(action).
const (
	ActionRetry   = "retry"
	ActionSkip    = "skip"
	ActionAbort   = "abort"
	ActionApprove = "approve"
	ActionReject  = "reject"
	// ActionFallback settles a failed pull's sources from the fallback
	// sources their scope names, and pulls any other failed source again.
	ActionFallback = "fallback"
)

// Actions lists every operator action.
var Actions = []string{ActionRetry, ActionSkip, ActionAbort, ActionApprove, ActionReject, ActionFallback}

package lifecycle

import "strings"

// Kinds of event in a cycle's log.
const (
	EventCycleOpened      = "cycle.opened"
	EventCycleBlocked     = "cycle.blocked"
	EventCycleCompleted   = "cycle.completed"
	EventCycleCompensated = "cycle.compensated"

	EventStepStarted     = "step.started"
	EventStepCompleted   = "step.completed"
	EventStepSkipped     = "step.skipped"
	EventStepFailed      = "step.failed"
	EventStepCompensated = "step.compensated"

	EventCompensationStarted = "compensation.started"
	EventCompensationFailed  = "compensation.failed"

	EventApprovalRequested = "approval.requested"
	EventApprovalGranted   = "approval.granted"

	// EventAnomalyFound is a stage-3 anomaly: a figure of the cycle beyond
	// the scope's threshold against its trailing cycles.
	EventAnomalyFound = "validation.anomaly"
	// EventRetentionPurged records what the retention purge removed from a
	// finished cycle.
	EventRetentionPurged = "retention.purged"
	// EventSourceFallback: a source's figures were taken from its
	// fallback source.
	EventSourceFallback = "source.fallback"

	// EventDiscrepancyResolved is an operator's resolution of a
	// reconciliation break, written outside the workflow.
	EventDiscrepancyResolved = "discrepancy.resolved"
)

// actionEventPrefix starts the kind of every operator action's event.
const actionEventPrefix = "action."

// ActionEvent is the kind of event an operator action is logged as.
func ActionEvent(action string) string { return actionEventPrefix + action }

// ActionOf returns the operator action an event kind logs, and whether the
// kind is an action's at all.
func ActionOf(kind string) (string, bool) {
	action, ok := strings.CutPrefix(kind, actionEventPrefix)
	return action, ok && action != ""
}

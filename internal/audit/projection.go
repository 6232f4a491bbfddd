package audit

import (
	"fmt"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

// CyclesTable is where a cycle's status projection is stored.
const CyclesTable = "cycles"

// CheckStatus compares a cycle's projected status with the events its log
// holds: the projection may say completed (or superseded, a completed
// cycle a revision replaced) or compensated only when the log ended that
// way, and the other way round. The projection is not sealed; this is
// how an edited status shows.
func CheckStatus(cycleID, status string, kinds map[string]bool) (Finding, bool) {
	completed := status == lifecycle.StatusCompleted || status == lifecycle.StatusSuperseded
	compensated := status == lifecycle.StatusCompensated
	var problem string
	switch {
	case completed && !kinds[lifecycle.EventCycleCompleted]:
		problem = fmt.Sprintf("status %s, but the event log has no %s", status, lifecycle.EventCycleCompleted)
	case compensated && !kinds[lifecycle.EventCycleCompensated]:
		problem = fmt.Sprintf("status %s, but the event log has no %s", status, lifecycle.EventCycleCompensated)
	case kinds[lifecycle.EventCycleCompleted] && !completed:
		problem = fmt.Sprintf("the event log has %s, but the status is %s", lifecycle.EventCycleCompleted, status)
	case kinds[lifecycle.EventCycleCompensated] && !compensated:
		problem = fmt.Sprintf("the event log has %s, but the status is %s", lifecycle.EventCycleCompensated, status)
	case len(kinds) == 0 && status != lifecycle.StatusRunning && status != lifecycle.StatusAbandoned:
		// Only opening sets a status without an event, and a run may end
		// before its first event: every other status was set by one.
		problem = fmt.Sprintf("status %s, but the event log is empty", status)
	default:
		return Finding{}, false
	}
	return Finding{Table: CyclesTable, ID: cycleID, Cycle: cycleID, Problem: problem}, true
}

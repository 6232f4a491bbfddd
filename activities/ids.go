package activities

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// namespace roots settleflow's deterministic IDs, so a retried step derives
// the same row keys it wrote the first time.
var namespace = uuid.MustParse("6f1c2a64-3c1e-5f0e-9d2a-5e7d1b0c9a11")

// CycleID is the ID of the cycle run by one workflow execution.
func CycleID(workflowID, runID string) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte("cycle/"+workflowID+"/"+runID))
}

// SettlementID identifies what a cycle settles (scope, period, revision)
// whatever run settles it: a run that is compensated and the run that
// settles the period after it share it, so their statements are the same
// bytes when their data is. Rows keep the run's CycleID, so the two runs
// never collide in the database.
func SettlementID(scope string, periodStart, periodEnd time.Time, revision int) uuid.UUID {
	return uuid.NewSHA1(namespace, fmt.Appendf(nil, "settlement/%s/%s/%s/%d", scope,
		periodStart.UTC().Format(time.RFC3339), periodEnd.UTC().Format(time.RFC3339), revision))
}

// StepID is a deterministic ID for something a step of a cycle creates.
func StepID(cycleID uuid.UUID, what string) uuid.UUID {
	return uuid.NewSHA1(cycleID, []byte(what))
}

// PurgeID is the ID of the retention purge run by one workflow execution.
func PurgeID(workflowID, runID string) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte("purge/"+workflowID+"/"+runID))
}

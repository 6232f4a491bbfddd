package workflows

import (
	"go.temporal.io/sdk/temporal"

	"github.com/settleflow/settleflow/activities"
)

// TaskQueue is where settleflow workers poll.
const TaskQueue = "settleflow"

// QueryStatus is the query that returns a CycleStatus.
const QueryStatus = "status"

// Search attributes the cycle upserts; registered by temporal-config.
var (
	ScopeAttr       = temporal.NewSearchAttributeKeyKeyword("SettleScope")
	PeriodAttr      = temporal.NewSearchAttributeKeyKeyword("SettlePeriod")
	StatusAttr      = temporal.NewSearchAttributeKeyKeyword("SettleStatus")
	BlockedStepAttr = temporal.NewSearchAttributeKeyKeyword("SettleBlockedStep")
	RevisionAttr    = temporal.NewSearchAttributeKeyInt64("SettleRevision")
)

// WorkflowID is the ID of the cycle settling one scope's period: one period
// can never be settled twice at once.
func WorkflowID(scope, periodKey string) string {
	return "settle/" + scope + "/" + periodKey
}

// QueryPullProgress is the query a PullSource child answers with a
// PullView: what its finished slices pulled. Running slices report through
// their heartbeats (activities.SliceProgress).
const QueryPullProgress = "progress"

// PullView is one source's pull as far as its finished slices go.
type PullView struct {
	Source     string
	Slices     int
	SlicesDone int
	Done       activities.SliceProgress // summed over finished slices
}

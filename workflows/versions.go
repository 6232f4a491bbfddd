package workflows

import "go.temporal.io/sdk/workflow"

// Workflow changes that alter history, in one place. Each is read once at
// the start of a run; runs recorded before a change replay with
// workflow.DefaultVersion and keep their old behaviour.
const (
	// changeOperatorActions: failed steps block for an operator (retry, skip,
	// abort, auto-abort), an approval gate sits before posting, compensations
	// that keep failing block too, and revisions supersede earlier cycles.
	changeOperatorActions = "operator-actions"
	// changeSlicedPull: PullSource cuts the period into time slices pulled
	// by PullSlice activities side by side, then finishes the source's
	// staging with FinishPull, instead of one Pull activity.
	changeSlicedPull = "sliced-pull"
	// changeReconcile: a reconcile step between validate and split matches
	// the scope's pairs of sources, records the breaks and holds the cycle
	// (approval gate or a block) on the ones left open; its undo reverses
	// the adjustments booked for them.
	changeReconcile = "reconcile"
	// changeHistoryCheck: before the approval gate, stage 3 of validation
	// sets the cycle against the scope's trailing cycles (CheckHistory),
	// logs each anomaly, and keeps the cycle's plain-language summary.
	changeHistoryCheck = "history-check"
	// changeAbortRunning: an operator may abort a running cycle; the
	// running step is cancelled (its activities and child workflows
	// waited for until they stop), its undo registered, and the cycle
	// compensates. A cancelled workflow compensates without blocking.
	changeAbortRunning = "abort-running"
	// changeSourceFallback: a source whose pull failed is settled from its
	// fallback source, by the fallback action or at once (fallback_mode:
	// auto). Read where a fallback is about to be used, so a cycle that
	// never falls back keeps its history's shape.
	changeSourceFallback = "source-fallback"
)

// features are the behaviours this run has, decided by its versions.
type features struct {
	operatorActions bool
	reconcile       bool
	historyCheck    bool
	abortRunning    bool
}

func readFeatures(ctx workflow.Context) features {
	v := workflow.GetVersion(ctx, changeOperatorActions, workflow.DefaultVersion, 1)
	r := workflow.GetVersion(ctx, changeReconcile, workflow.DefaultVersion, 1)
	h := workflow.GetVersion(ctx, changeHistoryCheck, workflow.DefaultVersion, 1)
	f := features{operatorActions: v >= 1, reconcile: r >= 1, historyCheck: h >= 1}
	if f.operatorActions {
		f.abortRunning = workflow.GetVersion(ctx, changeAbortRunning, workflow.DefaultVersion, 1) >= 1
	}
	return f
}

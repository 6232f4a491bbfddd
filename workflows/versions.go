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
	// changeSourceFallback: a source whose pull failed is settled from its
	// fallback source, by the fallback action or at once (fallback_mode:
	// auto). Read where a fallback is about to be used, so a cycle that
	// never falls back keeps its history's shape.
	changeSourceFallback = "source-fallback"
)

// features are the behaviours this run has, decided by its versions.
type features struct {
	operatorActions bool
}

func readFeatures(ctx workflow.Context) features {
	v := workflow.GetVersion(ctx, changeOperatorActions, workflow.DefaultVersion, 1)
	return features{operatorActions: v >= 1}
}

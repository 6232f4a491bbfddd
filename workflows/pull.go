package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/scope"
)

// PullSourceInput names the source a PullSource child pulls.
type PullSourceInput struct {
	Pull   activities.PullInput
	Tuning Tuning
	// Slices and Parallel are the source's, as frozen at open.
	Slices   int
	Parallel int
	// Policy is the pull step's retry policy, as frozen at open; zero in
	// runs started before policies were, which get the built-in one.
	Policy scope.StepPolicy
	// Cancellable makes a cancelled pull wait for its activities to stop,
	// so an abort's undo runs after the last page is staged.
	Cancellable bool
}

// options are the activity options of the pull's slices and its finish.
func (in PullSourceInput) options(ctx workflow.Context) workflow.Context {
	p := in.Policy
	if p == (scope.StepPolicy{}) {
		p = scope.Resilience{}.Step(lifecycle.StepPull)
	}
	return in.Tuning.options(ctx, lifecycle.StepPull, p, in.Cancellable)
}

// PullSource pulls one source of a cycle into staging. It is a child
// workflow so each source has its own history and can be looked at alone.
// The period is cut into time slices pulled a few at a time, each by an
// activity any worker may take, then the source's staging is finished
// (duplicates resolved) once.
func PullSource(ctx workflow.Context, in PullSourceInput) (activities.PullResult, error) {
	if workflow.GetVersion(ctx, changeSlicedPull, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		var res activities.PullResult
		err := workflow.ExecuteActivity(in.options(ctx), acts.Pull, in.Pull).Get(ctx, &res)
		return res, err
	}
	p := newPull(in)
	if err := workflow.SetQueryHandler(ctx, QueryPullProgress, func() (PullView, error) { return p.view, nil }); err != nil {
		return activities.PullResult{}, err
	}
	if err := p.slices(ctx); err != nil {
		return activities.PullResult{}, err
	}
	var res activities.PullResult
	err := workflow.ExecuteActivity(in.options(ctx), acts.FinishPull, activities.FinishInput{
		CycleID: in.Pull.CycleID, Source: in.Pull.Source, Slices: p.done}).Get(ctx, &res)
	return res, err
}

// pull is one PullSource run's state.
type pull struct {
	in   PullSourceInput
	done []activities.SliceProgress // by slice index
	view PullView
}

func newPull(in PullSourceInput) *pull {
	n := max(in.Slices, 1)
	return &pull{in: in, done: make([]activities.SliceProgress, n),
		view: PullView{Source: in.Pull.Source, Slices: n, Done: activities.SliceProgress{Total: -1}}}
}

// slices runs the slice activities through a sliding window: at most
// Parallel at once, the next started as soon as one finishes. The first
// failure stops new slices; running ones finish before it is returned.
func (p *pull) slices(ctx workflow.Context) error {
	n, window := len(p.done), max(p.in.Parallel, 1)
	sel := workflow.NewSelector(ctx)
	var firstErr error
	next, running := 0, 0
	for next < n || running > 0 {
		for running < window && next < n && firstErr == nil {
			p.start(ctx, sel, next, &firstErr)
			next, running = next+1, running+1
		}
		if running == 0 {
			break
		}
		sel.Select(ctx)
		running--
	}
	return firstErr
}

func (p *pull) start(ctx workflow.Context, sel workflow.Selector, i int, firstErr *error) {
	from, to := sliceBounds(p.in.Pull.PeriodStart, p.in.Pull.PeriodEnd, i, len(p.done))
	f := workflow.ExecuteActivity(p.in.options(ctx), acts.PullSlice, activities.SliceInput{
		CycleID: p.in.Pull.CycleID, Scope: p.in.Pull.Scope, Source: p.in.Pull.Source,
		Index: i, Of: len(p.done), From: from, To: to})
	sel.AddFuture(f, func(f workflow.Future) {
		var res activities.SliceProgress
		if err := f.Get(ctx, &res); err != nil {
			if *firstErr == nil {
				*firstErr = err
			}
			return
		}
		p.done[i] = res
		p.view.SlicesDone++
		p.view.Done = addSlice(p.view.Done, res)
	})
}

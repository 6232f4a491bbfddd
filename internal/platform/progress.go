package platform

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/workflows"
)

// The pull activities whose heartbeats carry progress, by the method names
// the worker registers them under: today one Pull per source, and PullSlice
// per time slice once pulls are sliced.
const (
	pullActivity      = "Pull"
	pullSliceActivity = "PullSlice"
)

// Progress is a cycle as someone waiting for it wants to see it: the step
// it is on, how far the pull has come, and for how long it has run.
type Progress struct {
	WorkflowID string
	Status     string // the cycle's status (workflows.Status…)
	// Step is the step running, blocked or waiting; empty between steps and
	// once the cycle has ended.
	Step      string
	StepsDone int
	Steps     int
	Blocked   string // why the cycle is blocked, when it is
	// Elapsed runs from the first step's start; StepElapsed from Step's,
	// both to At, when the progress was read.
	Elapsed     time.Duration
	StepElapsed time.Duration
	At          time.Time
	// Pull sums Sources while the pull runs; afterwards it holds the pull
	// step's counts (Sources is then empty).
	Pull    SourceProgress
	Sources []SourceProgress
}

// SourceProgress is how far the pull of one source has come.
type SourceProgress struct {
	Source     string // empty in a sum over sources
	Done       bool   // its pull workflow has closed
	Slices     int    // 0 when the pull is not sliced
	SlicesDone int
	Pages      int
	Received   int // format-valid records pulled
	Staged     int // records committed to staging
	Rejects    int // format rejects
	Bytes      int64
	// Total is what the source holds for the period as it reports it; -1
	// while any part of it is unknown.
	Total int64
	// OldestBeat and NewestBeat bound when the activities in flight last
	// reported (server time); zero when none has. The SDK sends heartbeats
	// at most every 0.8 of the heartbeat timeout, so they may lag.
	OldestBeat, NewestBeat time.Time
}

// Pulled counts every record pulled, valid or not, as Total counts them.
func (s SourceProgress) Pulled() int { return s.Received + s.Rejects }

// CycleProgress reads a cycle's progress: the running step and step counts
// from its status query and, while it pulls, each source's finished slices
// from its pull workflow's progress query plus the last heartbeat of every
// pull activity in flight. runID may be empty for the latest run.
func CycleProgress(ctx context.Context, c client.Client, workflowID, runID string) (Progress, error) {
	st, err := QueryCycle(ctx, c, workflowID, runID)
	if err != nil {
		return Progress{}, err
	}
	p := progressOf(st, time.Now())
	pull := stepOf(st, lifecycle.StepPull)
	switch {
	case pull == nil || pull.StartedAt.IsZero():
		p.Pull.Total = -1
	case pull.Status == lifecycle.StepRunning:
		if p.Sources, err = pullSources(ctx, c, workflowID, runID); err != nil {
			return p, err
		}
		p.Pull = sumSources(p.Sources)
	default:
		// The pull has ended: its step counts say what it did, without
		// asking every source again.
		p.Pull = SourceProgress{Pages: int(pull.Counts["pages"]), Received: int(pull.Counts["received"]),
			Staged: int(pull.Counts["staged"]), Rejects: int(pull.Counts["rejects"]), Total: -1, Done: true}
	}
	return p, nil
}

func progressOf(st workflows.CycleStatus, now time.Time) Progress {
	p := Progress{WorkflowID: st.WorkflowID, Status: st.Status, Steps: len(st.Steps), At: now}
	if st.Blocked != nil {
		p.Blocked = st.Blocked.Error
	}
	var first, last time.Time
	for _, s := range st.Steps {
		if first.IsZero() && !s.StartedAt.IsZero() {
			first = s.StartedAt
		}
		if s.EndedAt.After(last) {
			last = s.EndedAt
		}
		switch s.Status {
		case lifecycle.StepDone, lifecycle.StepSkipped:
			p.StepsDone++
		case lifecycle.StepRunning, lifecycle.StepBlocked, lifecycle.StepWaiting:
			if p.Step == "" {
				p.Step, p.StepElapsed = s.Name, now.Sub(s.StartedAt)
			}
		}
	}
	if first.IsZero() {
		return p
	}
	if p.Status == lifecycle.StatusCompleted || p.Status == lifecycle.StatusCompensated {
		now = last // an ended cycle's clock has stopped
	}
	p.Elapsed = now.Sub(first)
	return p
}

func stepOf(st workflows.CycleStatus, name string) *workflows.StepState {
	for i := range st.Steps {
		if st.Steps[i].Name == name {
			return &st.Steps[i]
		}
	}
	return nil
}

// pullSources reads every source's pull workflow of the cycle run.
func pullSources(ctx context.Context, c client.Client, workflowID, runID string) ([]SourceProgress, error) {
	prefix := workflowID + "/pull/" // the children's IDs (workflows/cycle.go)
	ids, err := pullChildren(ctx, c, workflowID, runID, prefix)
	if err != nil {
		return nil, err
	}
	out := make([]SourceProgress, 0, len(ids))
	for _, id := range ids {
		sp, err := sourceOf(ctx, c, id, strings.TrimPrefix(id, prefix))
		if err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, nil
}

// pullChildren lists the IDs of the run's pull workflows: the open ones
// from the run's pending children, the closed ones from visibility.
func pullChildren(ctx context.Context, c client.Client, workflowID, runID, prefix string) ([]string, error) {
	desc, err := c.DescribeWorkflowExecution(ctx, workflowID, runID)
	if err != nil {
		return nil, fmt.Errorf("describe cycle %s: %w", workflowID, err)
	}
	var ids []string
	for _, ch := range desc.GetPendingChildren() {
		ids = append(ids, ch.GetWorkflowId())
	}
	run := desc.GetWorkflowExecutionInfo().GetExecution().GetRunId()
	// A source that finished before the others is no longer pending. A
	// cluster without this visibility query still shows the open sources.
	if !strings.ContainsAny(workflowID+run, `'\`) {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("ParentWorkflowId = '%s' AND ParentRunId = '%s'", workflowID, run)})
		if err == nil {
			for _, e := range resp.GetExecutions() {
				ids = append(ids, e.GetExecution().GetWorkflowId())
			}
		}
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return !strings.HasPrefix(id, prefix) })
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// sourceOf reads one source's pull workflow. Its progress query comes
// first: a slice that ends between the two reads is then missing from both
// rather than counted twice.
func sourceOf(ctx context.Context, c client.Client, id, source string) (SourceProgress, error) {
	view, viewErr := pullView(ctx, c, id)
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return SourceProgress{Source: source, Total: -1}, nil // initiated, not started yet
	}
	if err != nil {
		return SourceProgress{}, fmt.Errorf("describe pull %s: %w", id, err)
	}
	info := desc.GetWorkflowExecutionInfo()
	open := info.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
	running, err := inFlight(desc.GetPendingActivities())
	if err != nil {
		return SourceProgress{}, fmt.Errorf("pull %s: %w", id, err)
	}
	if viewErr == nil {
		return sourceProgress(source, open, &view, nil, running), nil
	}
	// Pulls without the progress query: a completed one's result says what
	// it pulled; an open one has only its heartbeats.
	var res activities.PullResult
	if info.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED &&
		c.GetWorkflow(ctx, id, info.GetExecution().GetRunId()).Get(ctx, &res) == nil {
		return sourceProgress(source, open, nil, &res, running), nil
	}
	return sourceProgress(source, open, nil, nil, running), nil
}

func pullView(ctx context.Context, c client.Client, id string) (workflows.PullView, error) {
	var view workflows.PullView
	v, err := c.QueryWorkflow(ctx, id, "", workflows.QueryPullProgress)
	if err != nil {
		return view, err
	}
	return view, v.Get(&view)
}

// inFlight decodes the last heartbeat of each pull activity in flight. One
// that has not heartbeated yet counts as nothing pulled of an unknown total.
func inFlight(pending []*workflowpb.PendingActivityInfo) ([]SourceProgress, error) {
	dc := converter.GetDefaultDataConverter()
	var out []SourceProgress
	for _, pa := range pending {
		name, details := pa.GetActivityType().GetName(), pa.GetHeartbeatDetails()
		if name != pullActivity && name != pullSliceActivity {
			continue
		}
		sp := SourceProgress{Total: -1}
		var err error
		switch {
		case details == nil:
		case name == pullSliceActivity:
			var beat activities.SliceProgress
			err = dc.FromPayloads(details, &beat)
			sp = fromSlice(beat)
		default:
			var beat activities.PullProgress
			err = dc.FromPayloads(details, &beat)
			sp = fromPull(beat)
		}
		if err != nil {
			return nil, fmt.Errorf("heartbeat of %s %s: %w", name, pa.GetActivityId(), err)
		}
		if details != nil && pa.GetLastHeartbeatTime() != nil {
			sp.OldestBeat = pa.GetLastHeartbeatTime().AsTime()
			sp.NewestBeat = sp.OldestBeat
		}
		out = append(out, sp)
	}
	return out, nil
}

func fromSlice(s activities.SliceProgress) SourceProgress {
	// A slice commits what it receives, so received and staged agree.
	return SourceProgress{Pages: s.Pages, Received: s.Received, Staged: s.Received, Rejects: s.Rejects,
		Bytes: s.Bytes, Total: s.Total}
}

func fromPull(p activities.PullProgress) SourceProgress {
	return SourceProgress{Pages: p.Pages, Received: p.Received, Staged: p.Inserted, Rejects: p.Rejects, Total: -1}
}

// sourceProgress adds what a source's finished slices (view) or finished
// pull (result) did to what its activities in flight report. The total is
// known only when every slice is accounted for with a known total.
func sourceProgress(source string, open bool, view *workflows.PullView, result *activities.PullResult,
	running []SourceProgress) SourceProgress {
	sp := SourceProgress{Source: source, Done: !open}
	var total int64
	known := false
	switch {
	case view != nil:
		done := fromSlice(view.Done)
		sp.Slices, sp.SlicesDone = view.Slices, view.SlicesDone
		sp.add(done)
		total = max(done.Total, 0)
		known = view.Slices > 0 && done.Total >= 0 && view.SlicesDone+len(running) == view.Slices
	case result != nil:
		sp.add(fromPull(result.Progress))
	}
	for _, r := range running {
		sp.add(r)
		total += r.Total
		known = known && r.Total >= 0
	}
	sp.Total = -1
	if known {
		sp.Total = total
	}
	return sp
}

func (s *SourceProgress) add(o SourceProgress) {
	s.Pages += o.Pages
	s.Received += o.Received
	s.Staged += o.Staged
	s.Rejects += o.Rejects
	s.Bytes += o.Bytes
	if !o.OldestBeat.IsZero() && (s.OldestBeat.IsZero() || o.OldestBeat.Before(s.OldestBeat)) {
		s.OldestBeat = o.OldestBeat
	}
	if o.NewestBeat.After(s.NewestBeat) {
		s.NewestBeat = o.NewestBeat
	}
}

// sumSources adds the sources up; the total is known when every source's is.
func sumSources(sources []SourceProgress) SourceProgress {
	sum := SourceProgress{Total: 0, Done: len(sources) > 0}
	for _, s := range sources {
		sum.add(s)
		sum.Slices += s.Slices
		sum.SlicesDone += s.SlicesDone
		sum.Done = sum.Done && s.Done
		if s.Total < 0 || sum.Total < 0 {
			sum.Total = -1
		} else {
			sum.Total += s.Total
		}
	}
	if len(sources) == 0 {
		sum.Total = -1
	}
	return sum
}

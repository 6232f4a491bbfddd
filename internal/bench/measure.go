package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/workflows"
)

// sampleEvery is how often process CPU is read during the cycle.
const sampleEvery = 250 * time.Millisecond

// settled is what the cycle itself yielded: its run, final status, the
// wall time from start to completion and the CPU samples taken meanwhile.
type settled struct {
	started platform.Started
	status  workflows.CycleStatus
	wall    time.Duration
	samples []sample
}

// measure settles the period while sampling CPU, then reads what the run
// left behind and times the COPY baseline on the same rows.
func (r *run) measure(ctx context.Context) (Result, error) {
	s, err := r.settle(ctx)
	if err != nil {
		return Result{}, err
	}
	res := r.result(s)
	if err := r.readHistory(ctx, s.started, &res); err != nil {
		return res, err
	}
	// The worker's peak is read before it stops; the staging and COPY
	// measurements come after, with nothing else running.
	res.WorkerPeakRSSBytes = r.worker.peakRSS()
	r.worker.stop(10 * time.Second)
	for _, sim := range r.sims {
		res.SimulatorPeakRSSBytes += sim.peakRSS()
		sim.stop(10 * time.Second)
	}
	if err := r.readStaging(ctx, s.status.CycleID, &res); err != nil {
		return res, err
	}
	return res.rounded(), nil
}

func (r *run) settle(ctx context.Context) (settled, error) {
	pgDatabase := ""
	if postgresIsLocal(r.dbURL) {
		pgDatabase = r.dbName
	}
	sm := newSampler(r.fixedPIDs(), pgDatabase)
	sm.take() // the baseline
	sctx, stopSampling := context.WithCancel(ctx)
	sampled := make(chan struct{})
	go func() { sm.run(sctx, sampleEvery); close(sampled) }()
	defer func() { stopSampling(); <-sampled }()

	began := time.Now()
	started, err := platform.StartCycle(ctx, r.c, r.cat, platform.StartRequest{Scope: scopeName, Period: r.o.Period, StartedBy: "bench"})
	if err != nil {
		return settled{}, err
	}
	if started.Existing {
		return settled{}, fmt.Errorf("%s already exists in the bench's fresh namespace %s", started.WorkflowID, r.ns)
	}
	stopWatch := func() {}
	if r.o.Watch != nil {
		stopWatch = r.o.Watch(ctx, r.c, started.WorkflowID, started.RunID)
	}
	err = r.wait(ctx, started)
	wall := time.Since(began)
	stopSampling()
	<-sampled
	stopWatch()
	if err != nil {
		return settled{}, err
	}
	// A closed cycle's status is answered by the worker replaying it.
	status, err := platform.QueryCycle(ctx, r.c, started.WorkflowID, started.RunID)
	if err != nil {
		return settled{}, err
	}
	return settled{started: started, status: status, wall: wall, samples: sm.taken()}, nil
}

var errBlocked = errors.New("the cycle stopped for an operator; the bench settles without one")

// wait waits for the cycle to complete. A cycle that blocks or waits for
// approval fails the bench at once, as does a worker or simulator that
// dies.
func (r *run) wait(ctx context.Context, s platform.Started) error {
	done := make(chan error, 1)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		res, err := platform.WaitCycle(wctx, r.c, s.WorkflowID, s.RunID)
		if err == nil && res.Status != lifecycle.StatusCompleted {
			err = fmt.Errorf("cycle %s ended %s", s.WorkflowID, res.Status)
		}
		done <- err
	}()
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-r.worker.exited:
			return r.worker.died()
		case <-tick.C:
		}
		for _, sim := range r.sims {
			if !sim.running() {
				return sim.died()
			}
		}
		st, err := platform.QueryCycle(ctx, r.c, s.WorkflowID, s.RunID)
		if err != nil || (st.Status != lifecycle.StatusBlocked && st.Status != lifecycle.StatusAwaitingApproval) {
			continue
		}
		reason := st.Status
		if st.Blocked != nil {
			reason = fmt.Sprintf("blocked on %s: %s", st.Blocked.Step, st.Blocked.Error)
		}
		return fmt.Errorf("cycle %s %s: %w", s.WorkflowID, reason, errBlocked)
	}
}

// readHistory counts the events of the cycle's history and, apart, of each
// source's pull workflow.
func (r *run) readHistory(ctx context.Context, s platform.Started, res *Result) error {
	h, err := platform.History(ctx, r.c, s.WorkflowID, s.RunID)
	if err != nil {
		return err
	}
	res.HistoryEvents = len(h.Events)
	res.PullHistoryEvents = map[string]int{}
	for _, kind := range r.o.Kinds { // each source is named after its kind
		h, err := platform.History(ctx, r.c, s.WorkflowID+"/pull/"+kind, "")
		if err != nil {
			return err
		}
		res.PullHistoryEvents[kind] = len(h.Events)
	}
	return nil
}

// readStaging measures the cycle's staging storage and the bare COPY of
// its rows.
func (r *run) readStaging(ctx context.Context, cycleID string, res *Result) error {
	id, err := uuid.Parse(cycleID)
	if err != nil {
		return fmt.Errorf("cycle id %q: %w", cycleID, err)
	}
	conn, err := pgx.Connect(ctx, r.dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if err := conn.QueryRow(ctx, stagedCountSQL, id).Scan(&res.RecordsStaged); err != nil {
		return fmt.Errorf("count staged records: %w", err)
	}
	if err := conn.QueryRow(ctx, stagingBytesSQL(id)).Scan(&res.StagingBytes); err != nil {
		return fmt.Errorf("staging size: %w", err)
	}
	if res.RecordsStaged > 0 {
		res.StagingBytesPerRecord = float64(res.StagingBytes) / float64(res.RecordsStaged)
	}
	t, err := copyBaseline(ctx, r.dbURL, id, r.dir)
	if err != nil {
		return err
	}
	res.CopyRows, res.CopyFileBytes = t.rows, t.fileBytes
	res.CopySeconds, res.CopySecondsNoIndex = t.indexed.Seconds(), t.bare.Seconds()
	if t.rows > 0 {
		res.CopyBytesPerRecord = float64(t.indexedBytes) / float64(t.rows)
	}
	if res.CopySeconds > 0 {
		res.RatioToCopy = res.WallSeconds / res.CopySeconds
	}
	return nil
}

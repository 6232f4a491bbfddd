package bench

import (
	"context"
	"fmt"
	"strconv"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/settleflow/settleflow/internal/audit"
	"github.com/settleflow/settleflow/internal/scope"
	"github.com/settleflow/settleflow/workflows"
)

// startSimulators serves one simulated platform per source, each in a
// process of its own and sized so that the sources' feeds together yield
// about the records asked for on the bench's one-day period.
func (r *run) startSimulators(ctx context.Context) error {
	for _, kind := range r.o.Kinds {
		port, err := freePort()
		if err != nil {
			return err
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		args := append([]string{"simulate", "--addr", addr, "--seed", strconv.FormatInt(r.o.Seed, 10),
			"--token", token, "--log-level", "warn", "--otel-exporter", "none"}, simulatorSize(kind, r.o.Records, len(r.o.Kinds))...)
		sim, err := startChild("simulator-"+kind, r.o.Executable, r.dir, args, childEnv())
		if err != nil {
			return err
		}
		r.onCleanup(stopChild(sim))
		r.sims = append(r.sims, sim)
		if err := sim.waitFor(ctx, "listening on "+addr, 15*time.Second, func(context.Context) bool { return listening(addr) }); err != nil {
			return err
		}
		src, err := r.source(kind)
		if err != nil {
			return err
		}
		r.sourceURLs = append(r.sourceURLs, src.URLEnv(scopeName)+"=http://"+addr)
	}
	return nil
}

// startWorker runs `settleflow worker` on the bench's database, namespace
// and config, its sources pointed at the simulators, and waits until it
// polls for both workflow and activity tasks.
func (r *run) startWorker(ctx context.Context) error {
	args := []string{"worker", "--temporal-address", r.temporal.address, "--namespace", r.ns,
		"--database-url", r.dbURL, "--config-dir", r.configDir(), "--migrate=false",
		"--log-level", "warn", "--otel-exporter", "none"}
	// The worker seals the books it writes; the bench's database goes
	// away with it, so a key of its own will do.
	key, err := audit.NewKeySpec("bench")
	if err != nil {
		return err
	}
	w, err := startChild("worker", r.o.Executable, r.dir, args, childEnv(append([]string{audit.EnvKey + "=" + key}, r.sourceURLs...)...))
	if err != nil {
		return err
	}
	r.onCleanup(stopChild(w))
	r.worker = w
	return w.waitFor(ctx, "polling", time.Minute, func(ctx context.Context) bool {
		return r.polled(ctx, enumspb.TASK_QUEUE_TYPE_WORKFLOW) && r.polled(ctx, enumspb.TASK_QUEUE_TYPE_ACTIVITY)
	})
}

func (r *run) polled(ctx context.Context, kind enumspb.TaskQueueType) bool {
	resp, err := r.c.DescribeTaskQueue(ctx, workflows.TaskQueue, kind)
	return err == nil && len(resp.GetPollers()) > 0
}

// fixedPIDs are the processes the bench measures by PID.
func (r *run) fixedPIDs() map[string][]int {
	pids := map[string][]int{groupWorker: {r.worker.pid()}}
	for _, s := range r.sims {
		pids[groupSimulator] = append(pids[groupSimulator], s.pid())
	}
	if r.temporal.started {
		pids[groupTemporal] = []int{r.temporal.pid}
	}
	return pids
}

func (r *run) source(kind string) (scope.Source, error) {
	sc, err := r.cat.Scope(scopeName)
	if err != nil {
		return scope.Source{}, err
	}
	for _, s := range sc.Sources {
		if s.Name == kind {
			return s, nil
		}
	}
	return scope.Source{}, fmt.Errorf("bench scope has no source %q", kind)
}

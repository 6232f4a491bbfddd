package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/workflows"
)

// chaosEnv turns on the full fault matrix, which stops the machine's
// PostgreSQL: `make chaos`. Without it `make test` runs the short matrix,
// which takes Postgres away from its own worker through a proxy only.
const chaosEnv = "SETTLEFLOW_CHAOS"

// chaosSeedEnv replays a matrix: the seed picks every offset and outage.
const chaosSeedEnv = "SETTLEFLOW_CHAOS_SEED"

// Faults a run suffers.
const (
	faultKill            = "kill worker"      // SIGKILL of the worker process inside a step
	faultRestartTemporal = "restart temporal" // the dev server stopped and started on its file
	faultRestartPostgres = "restart postgres" // the machine's cluster stopped and started
	faultCutPostgres     = "cut postgres"     // every connection of the worker cut, new ones refused
)

// chaosSteps are the steps a worker is killed in. Payout is not a step yet.
var chaosSteps = []string{lifecycle.StepPull, lifecycle.StepValidate, lifecycle.StepReconcile,
	lifecycle.StepSplit, lifecycle.StepPost, lifecycle.StepPublish}

// chaosRun is one run of the matrix: a fault, where and when it strikes.
type chaosRun struct {
	Fault string
	// Step is where the fault strikes.
	Step string
	// Offset is how long after the step got under way the fault strikes.
	Offset time.Duration
	// Down is how long a restarted service stays away.
	Down time.Duration
}

// chaosPlan draws the runs. The short matrix kills the worker once in each
// step and takes each service away once, in a step drawn at random; the
// full one has four runs of each, Postgres restarted for real.
func chaosPlan(full bool, rng *rand.Rand) []chaosRun {
	between := func(lo, hi time.Duration) time.Duration {
		return (lo + time.Duration(rng.Int64N(int64(hi-lo)))).Round(10 * time.Millisecond)
	}
	// A held step waits on its lock, so the offset only varies when in
	// the wait the blow comes; the feed serves a page every 300 ms.
	offset := func(step string) time.Duration {
		if step == lifecycle.StepPull {
			return between(0, 1500*time.Millisecond)
		}
		return between(0, 500*time.Millisecond)
	}
	anyStep := func() string { return chaosSteps[rng.IntN(len(chaosSteps))] }
	n, postgres, pgDown := 1, faultCutPostgres, [2]time.Duration{5 * time.Second, 15 * time.Second}
	if full {
		n, postgres, pgDown = 4, faultRestartPostgres, [2]time.Duration{10 * time.Second, 40 * time.Second}
	}
	var plan []chaosRun
	for range n {
		for _, step := range chaosSteps {
			plan = append(plan, chaosRun{Fault: faultKill, Step: step, Offset: offset(step)})
		}
		temporalStep, postgresStep := anyStep(), anyStep()
		plan = append(plan,
			chaosRun{Fault: faultRestartTemporal, Step: temporalStep, Offset: offset(temporalStep),
				Down: between(3*time.Second, 10*time.Second)},
			chaosRun{Fault: postgres, Step: postgresStep, Offset: offset(postgresStep), Down: between(pgDown[0], pgDown[1])})
	}
	return plan
}

// The fault matrix: every run settles the same period of the same
// simulated platform, every kind of source, while one fault strikes, and
// is then held to the invariants against a fault-free run (chaosChecks).
// The runs × invariants table is logged; any violation fails the test.
func TestChaosMatrix(t *testing.T) {
	full := os.Getenv(chaosEnv) == "1"
	if !full {
		t.Parallel() // the short matrix disturbs nothing but its own runs
	}
	seed := chaosSeed(t)
	plan := chaosPlan(full, rand.New(rand.NewPCG(seed, seed)))
	bin := buildBinary(t)
	w := newChaosWorld(t)
	ref := w.reference(t)

	results := make([]chaosResult, len(plan))
	for i, run := range plan {
		results[i].Run = run // a run -run leaves out still shows what it was
	}
	// A real Postgres restart takes the database from every run, so it
	// runs alone; the others run side by side.
	var alone sync.RWMutex
	t.Run("runs", func(t *testing.T) {
		for i, run := range plan {
			name := fmt.Sprintf("%02d %s %s", i+1, run.Fault, run.Step)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				if run.Fault == faultRestartPostgres {
					alone.Lock()
					defer alone.Unlock()
				} else {
					alone.RLock()
					defer alone.RUnlock()
				}
				results[i] = w.run(t, bin, run, ref)
			})
		}
	})
	table := chaosTable(results)
	t.Logf("fault matrix, seed %d (%s=%d replays it):\n%s", seed, chaosSeedEnv, seed, table)
}

func chaosSeed(t *testing.T) uint64 {
	if s := os.Getenv(chaosSeedEnv); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", chaosSeedEnv, s, err)
		}
		return seed
	}
	return uint64(time.Now().UnixNano())
}

// chaosWorld is what every run settles: the demo scope with every source
// kind, each step heartbeating every few seconds so a killed worker's step
// moves on quickly, and a platform whose feed is slow enough for a kill to
// land inside the pull.
type chaosWorld struct {
	scopeYAML string
	sim       sim.ProviderConfig
}

func newChaosWorld(t *testing.T) chaosWorld {
	cfg := sim.DefaultProviderConfig()
	cfg.Seed = 29
	cfg.RoundsPerDay = 2000
	cfg.Players = 80
	cfg.Faults.PageDelay = 300 * time.Millisecond
	return chaosWorld{sim: cfg, scopeYAML: testenv.DemoScopeYAML(t,
		"default: {attempts: 12, first_retry: 1s, max_retry: 30s, timeout: 10m, heartbeat: 30s}",
		"default: {attempts: 12, first_retry: 1s, max_retry: 10s, timeout: 10m, heartbeat: 4s}")}
}

// env builds a run's world on server: its namespace, database and feed.
func (w chaosWorld) env(t *testing.T, server *testenv.Temporal, worker bool) *env {
	return newEnvOn(t, server, envOptions{sim: w.sim, kinds: record.Kinds, scopeYAML: w.scopeYAML, noWorker: !worker})
}

// reference settles the period without a fault, with an in-process worker.
func (w chaosWorld) reference(t *testing.T) chaosOutcome {
	e := w.env(t, temporal, true)
	started := e.startCycle(workflows.Tuning{})
	o := awaitOutcome(e, started, 3*time.Minute)
	if o.Status != lifecycle.StatusCompleted {
		t.Fatalf("the fault-free cycle ended %s: %s", o.Status, o.Reason)
	}
	o.snapshot(t, e)
	return o
}

// run settles the period while run's fault strikes and checks the
// invariants.
func (w chaosWorld) run(t *testing.T, bin string, run chaosRun, ref chaosOutcome) chaosResult {
	began := time.Now()
	server := temporal
	if run.Fault == faultRestartTemporal {
		server = privateTemporal(t)
	}
	e := w.env(t, server, false)
	s := newStrike(t, e, bin, run, configDir(t, w.scopeYAML))
	started := e.startCycle(workflows.Tuning{})
	landed := s.strike(started)
	o := awaitOutcome(e, started, 5*time.Minute)
	res := chaosResult{Run: run, Landed: landed, Outcome: o, Checks: checkRun(t, e, o, ref), Took: time.Since(began)}
	if o.Status == lifecycle.StatusCompleted {
		res.Attempts = s.attempts(started)
		if run.Fault == faultKill && landed == run.Step && res.Attempts < 2 {
			t.Errorf("the kill in %s cost no attempt: the blow missed", run.Step)
		}
	}
	for _, c := range res.Checks {
		if c.Err != nil {
			t.Errorf("%s: %v", c.Name, c.Err)
		}
	}
	return res
}

// privateTemporal starts a dev server of the test's own, on a file, for a
// run that restarts it.
func privateTemporal(t *testing.T) *testenv.Temporal {
	t.Helper()
	server, err := testenv.StartTemporalWith(testenv.Context(t, 2*time.Minute),
		testenv.TemporalOptions{DBFile: t.TempDir() + "/temporal.db"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := server.Stop(); err != nil {
			t.Logf("stop private temporal: %v", err)
		}
	})
	return server
}

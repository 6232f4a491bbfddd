package e2e

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
	"github.com/settleflow/settleflow/workflows"
)

// outageFeed is a pull of about twenty slow pages, so an outage lands in
// the middle of it.
func outageFeed() sim.ProviderConfig {
	cfg := demoFeed()
	cfg.RoundsPerDay = 6000
	cfg.Faults.PageDelay = 250 * time.Millisecond
	return cfg
}

// productionTuning is the scope's own retry policy: only a blocked cycle
// aborts faster, so a failure to ride the outage out ends the test.
var productionTuning = workflows.Tuning{AutoAbortAfter: time.Second}

// rideOut settles the period while outage takes a service away for a while
// once the pull has staged its first pages, and requires the cycle to
// complete as an uninterrupted one would, with no operator and no block.
func rideOut(t *testing.T, e *env, outage func()) {
	t.Helper()
	x := expect(t, e.simCfg, periodFrom, periodTo)
	started := e.startCycle(productionTuning)
	deadline := time.Now().Add(time.Minute)
	for e.count(`SELECT count(*) FROM staged_records`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("nothing staged within a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}
	began := time.Now()
	outage()
	res, err := e.waitCycle(started, false)
	if err != nil {
		t.Fatalf("cycle after the outage: %v", err)
	}
	t.Logf("completed %v after the outage began", time.Since(began).Round(time.Millisecond))
	requireSettlement(t, e, res, x)
	for _, k := range e.eventKinds(e.cycleID(res)) {
		if strings.HasPrefix(k, "cycle.blocked") || strings.HasPrefix(k, "action.") {
			t.Errorf("the outage needed an operator: %s", k)
		}
	}
}

// viaProxy returns the database URL with its host replaced by addr.
func viaProxy(t *testing.T, dbURL, addr string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = addr
	return u.String()
}

// Postgres goes away for 30 seconds, as in a restart, in the middle of a
// pull: the worker's connections are cut and new ones refused. The step's
// default retry policy outlasts it and the cycle completes on its own.
func TestPostgresOutageRiddenOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{sim: outageFeed(), slices: 1, noWorker: true})
	u, err := url.Parse(e.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testenv.NewProxy(t, u.Host)
	st, err := store.Open(e.ctx, viaProxy(t, e.dbURL, proxy.Addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	st.Keys = testenv.AuditKeys(t) // the books are sealed as the rig's own store seals them
	a := e.rig.Activities()
	a.Store = st
	runWorker(t, e.client, a)
	rideOut(t, e, func() {
		proxy.Cut()
		time.Sleep(30 * time.Second)
		proxy.Restore(t)
	})
}

// The Temporal frontend goes away for 15 seconds, as in a failover: the
// worker can neither poll nor heartbeat. The slice's attempt times out on
// its heartbeat, the next one resumes from its cursor once the frontend is
// back, and the cycle completes on its own.
func TestTemporalOutageRiddenOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{sim: outageFeed(), slices: 1, noWorker: true})
	proxy := testenv.NewProxy(t, temporal.Address)
	c, err := client.DialContext(e.ctx, client.Options{HostPort: proxy.Addr, Namespace: e.namespace})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	runWorker(t, c, e.rig.Activities())
	rideOut(t, e, func() {
		proxy.Cut()
		time.Sleep(15 * time.Second)
		proxy.Restore(t)
	})
}

// runWorker runs a worker of its own, on client c and activities a, until
// the test ends.
func runWorker(t *testing.T, c client.Client, a *activities.Activities) {
	t.Helper()
	w := platform.NewWorker(c, a)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
}

package schedule_test

import (
	"log/slog"
	"os"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

var server *testenv.Temporal

func TestMain(m *testing.M) { testenv.Main(m, &server) }

const demo = "demo-casino"

var fast = testenv.FastTuning

// env is one test's private world: a namespace, so its worker and its
// visibility queries see only its own workflows, a database and a feed.
type env struct {
	ns        string
	client    client.Client
	store     *store.Store
	catalog   catalog.Catalog
	schedules platform.Schedules
	rig       *testenv.Rig
}

// newEnv starts everything a scheduled cycle needs: a rig with its own
// namespace, database, feed and worker.
func newEnv(t *testing.T) *env {
	t.Helper()
	r := server.NewRig(t, testenv.RigOptions{})
	return &env{ns: r.Namespace, client: r.Client, store: r.Store, catalog: r.Catalog, rig: r,
		schedules: platform.Schedules{Client: r.Client, Catalog: r.Catalog}}
}

// eventually polls check until it reports done, fails or time runs out.
func eventually(t *testing.T, limit time.Duration, what string, check func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	var last error
	for {
		done, err := check()
		if err != nil {
			last = err
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s; last error: %v", limit, what, last)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func quiet() sdklog.Logger {
	return sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
}

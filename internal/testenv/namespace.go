package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/platform"
	temporalconfig "github.com/settleflow/settleflow/temporal-config"
)

// NewNamespace registers a namespace of its own for one test on the shared
// dev server, with settleflow's search attributes, and returns a client for
// it. Workers of different tests then poll different task queues (a task
// queue belongs to a namespace), so one test's worker can never run another
// test's workflow against the wrong database or simulator.
func (t *Temporal) NewNamespace(tb testing.TB) (client.Client, string) {
	tb.Helper()
	suffix := make([]byte, 5)
	if _, err := rand.Read(suffix); err != nil {
		tb.Fatal(err)
	}
	ns := "test-" + hex.EncodeToString(suffix)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := t.RegisterNamespace(ctx, ns); err != nil {
		tb.Fatal(err)
	}
	c, err := client.DialContext(ctx, client.Options{HostPort: t.Address, Namespace: ns, Logger: quietLogger()})
	if err != nil {
		tb.Fatalf("dial temporal %s namespace %s: %v", t.Address, ns, err)
	}
	tb.Cleanup(c.Close)
	if err := waitVisibility(ctx, c); err != nil {
		tb.Fatalf("namespace %s: %v", ns, err)
	}
	return c, ns
}

// RegisterNamespace registers ns with settleflow's search attributes (the
// dev server keeps custom search attributes per namespace, so each new one
// needs them) and waits until the frontend serves it.
func (t *Temporal) RegisterNamespace(ctx context.Context, ns string) error {
	cfg, err := temporalconfig.Default()
	if err != nil {
		return err
	}
	admin, err := client.DialContext(ctx, client.Options{HostPort: t.Address, Namespace: t.Namespace, Logger: quietLogger()})
	if err != nil {
		return fmt.Errorf("dial temporal %s: %w", t.Address, err)
	}
	defer admin.Close()
	return platform.SetupNamespace(ctx, admin, ns, 24*time.Hour, cfg.SearchAttributes)
}

// waitVisibility returns once visibility accepts queries on settleflow's
// search attributes in the namespace, which comes a moment after they are
// listed; tests that list cycles need it.
func waitVisibility(ctx context.Context, c client.Client) error {
	for {
		_, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: "SettleScope = 'probe' AND SettleRevision = 1 AND SettleStatus = 'probe'"})
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("visibility not ready: %w", err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

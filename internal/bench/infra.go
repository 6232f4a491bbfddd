package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/devserver"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/store"
	temporalconfig "github.com/settleflow/settleflow/temporal-config"
)

func randomSuffix() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b) // crypto/rand does not fail on Linux
	return hex.EncodeToString(b)
}

// createDatabase starts local Postgres if it is down, then creates and
// migrates a database of the bench's own beside the one serverURL names.
func createDatabase(ctx context.Context, serverURL, name string, log *slog.Logger) (string, error) {
	if err := devserver.EnsurePostgres(ctx, serverURL, log); err != nil {
		return "", err
	}
	url, err := store.WithDatabase(serverURL, name)
	if err != nil {
		return "", err
	}
	if err := store.EnsureDatabase(ctx, url); err != nil {
		return "", err
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return url, err
	}
	defer st.Close()
	_, err = st.Migrate(ctx)
	return url, err
}

func postgresIsLocal(databaseURL string) bool {
	cfg, err := pgx.ParseConfig(databaseURL)
	return err == nil && devserver.IsLocal(cfg.Host)
}

// temporalServer is the Temporal frontend the bench uses.
type temporalServer struct {
	address  string
	started  bool   // the bench started it, and stops it
	pid      int    // when started
	stateDir string // when started
}

// ensureTemporal reuses a server answering at address, or starts the dev
// server there (on this machine only), its state under dir.
func ensureTemporal(ctx context.Context, address, dir string, log *slog.Logger) (temporalServer, error) {
	if listening(address) {
		return temporalServer{address: address}, nil
	}
	cfg, err := devserver.ConfigAt(address)
	if err != nil {
		return temporalServer{}, fmt.Errorf("nothing answers at %s, and the bench starts a dev server only on this machine: %w", address, err)
	}
	if cfg.UIPort, err = freePort(); err != nil {
		return temporalServer{}, err
	}
	stateDir := filepath.Join(dir, "temporal")
	srv, err := devserver.StartTemporal(ctx, cfg, stateDir, log)
	if err != nil {
		_ = devserver.StopTemporal(stateDir)
		return temporalServer{}, err
	}
	return temporalServer{address: srv.Address, started: true, pid: srv.PID, stateDir: stateDir}, nil
}

// stop stops a dev server the bench started and waits until it has gone,
// so no server outlives the bench (and its state directory).
func (t temporalServer) stop() error {
	if !t.started {
		return nil
	}
	return devserver.StopTemporal(t.stateDir)
}

// registerNamespace registers the bench's namespace with settleflow's
// search attributes and waits until the frontend serves both: a namespace
// reaches the server's cache a moment after it is registered.
func registerNamespace(ctx context.Context, c client.Client, ns string) error {
	cfg, err := temporalconfig.Default()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return platform.SetupNamespace(ctx, c, ns, 24*time.Hour, cfg.SearchAttributes)
}

func deleteNamespace(ctx context.Context, c client.Client, ns string) error {
	_, err := c.OperatorService().DeleteNamespace(ctx, &operatorservice.DeleteNamespaceRequest{Namespace: ns})
	if err != nil {
		return fmt.Errorf("delete namespace %s: %w", ns, err)
	}
	return nil
}

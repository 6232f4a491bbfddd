package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/audit"
	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/telemetry"
	temporalconfig "github.com/settleflow/settleflow/temporal-config"
)

// app holds the global flags and what commands build from them.
type app struct {
	databaseURL string
	migrateURL  string
	// databaseURLSet says the database URL was given, by flag or
	// environment, rather than defaulted.
	databaseURLSet bool
	configDir      string
	logLevel       string
	otel           string
	temporal       platform.TemporalOptions
	log            *slog.Logger
	flush          func(context.Context) error
	// metricsAddr, set by commands that run a worker, is where they serve
	// Prometheus metrics; metrics records settleflow's own once they do.
	metricsAddr string
	metrics     *telemetry.Metrics
	prom        *telemetry.Prometheus
}

func newRoot() *cobra.Command {
	a := &app{}
	root := &cobra.Command{
		Use:           "settleflow",
		Short:         "Settlement cycles for online entertainment platforms, run as Temporal sagas",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.setupLogging(); err != nil {
				return err
			}
			a.databaseURLSet = cmd.Flags().Changed("database-url") || os.Getenv("SETTLEFLOW_DATABASE_URL") != ""
			return a.setupTelemetry(cmd.Context())
		},
	}
	// Finalizers run after a command even when it failed, so spans of a
	// failed command are still exported.
	cobra.OnFinalize(a.flushTelemetry)
	tc, _ := temporalconfig.Default()
	f := root.PersistentFlags()
	f.StringVar(&a.databaseURL, "database-url", envOr("SETTLEFLOW_DATABASE_URL", store.DefaultURL), "PostgreSQL URL the application connects with, as "+store.AppRole+" (env SETTLEFLOW_DATABASE_URL)")
	f.StringVar(&a.migrateURL, "migrate-database-url", os.Getenv("SETTLEFLOW_MIGRATE_DATABASE_URL"),
		"PostgreSQL URL migrations run with, as "+store.OwnerRole+", a member of it or a superuser; default: --database-url when given, else the local superuser (env SETTLEFLOW_MIGRATE_DATABASE_URL)")
	f.StringVar(&a.configDir, "config-dir", os.Getenv("SETTLEFLOW_CONFIG_DIR"), "directory with scopes/ and agreements/; empty uses the embedded examples (env SETTLEFLOW_CONFIG_DIR)")
	f.StringVar(&a.logLevel, "log-level", envOr("SETTLEFLOW_LOG_LEVEL", "info"), "debug, info, warn or error (env SETTLEFLOW_LOG_LEVEL)")
	f.StringVar(&a.otel, "otel-exporter", envOr("SETTLEFLOW_OTEL_EXPORTER", telemetry.ExporterNone), "trace export: none, stdout, or otlp (OTEL_EXPORTER_OTLP_* variables) (env SETTLEFLOW_OTEL_EXPORTER)")
	f.StringVar(&a.temporal.Address, "temporal-address", envOr("SETTLEFLOW_TEMPORAL_ADDRESS", tc.FrontendAddress()), "Temporal frontend host:port (env SETTLEFLOW_TEMPORAL_ADDRESS)")
	f.StringVar(&a.temporal.Namespace, "namespace", envOr("SETTLEFLOW_TEMPORAL_NAMESPACE", tc.Namespace), "Temporal namespace (env SETTLEFLOW_TEMPORAL_NAMESPACE)")
	f.StringVar(&a.temporal.TLSCert, "tls-cert", os.Getenv("SETTLEFLOW_TEMPORAL_TLS_CERT"), "client certificate for mTLS (env SETTLEFLOW_TEMPORAL_TLS_CERT)")
	f.StringVar(&a.temporal.TLSKey, "tls-key", os.Getenv("SETTLEFLOW_TEMPORAL_TLS_KEY"), "client key for mTLS (env SETTLEFLOW_TEMPORAL_TLS_KEY)")
	f.StringVar(&a.temporal.TLSCA, "tls-ca", os.Getenv("SETTLEFLOW_TEMPORAL_TLS_CA"), "CA bundle to verify the server (env SETTLEFLOW_TEMPORAL_TLS_CA)")
	f.StringVar(&a.temporal.TLSServer, "tls-server-name", os.Getenv("SETTLEFLOW_TEMPORAL_TLS_SERVER_NAME"), "server name to verify (env SETTLEFLOW_TEMPORAL_TLS_SERVER_NAME)")
	f.BoolVar(&a.temporal.TLS, "tls", os.Getenv("SETTLEFLOW_TEMPORAL_TLS") == "true", "use TLS without a client certificate (env SETTLEFLOW_TEMPORAL_TLS=true)")
	a.temporal.APIKey = os.Getenv("SETTLEFLOW_TEMPORAL_API_KEY")

	root.AddCommand(a.serveCmd(), a.tokenCmd())
	root.AddCommand(a.devCmd(), a.workerCmd(), a.migrateCmd(), a.simulateCmd(), a.cycleCmd(), a.temporalCmd(),
		a.historyCmd(), a.replayCmd())
	root.AddCommand(a.scheduleCmd(), a.benchCmd(), a.auditCmd(), a.holdCmd(), a.retentionCmd(), a.discrepancyCmd())
	return root
}

func (a *app) setupLogging() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(a.logLevel)); err != nil {
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", a.logLevel)
	}
	a.log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(a.log)
	return nil
}

func (a *app) setupTelemetry(ctx context.Context) error {
	interceptors, flush, err := telemetry.Setup(ctx, a.otel, os.Stderr)
	if err != nil {
		return err
	}
	a.temporal.Interceptors, a.flush = interceptors, flush
	return nil
}

func (a *app) flushTelemetry() {
	if a.flush == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.flush(ctx); err != nil && a.log != nil {
		a.log.Warn("flushing traces failed", "error", err)
	}
	a.flush = nil
}

// openStore connects as the application, with the audit keys from the
// environment when they are set: without them the books can be read but
// not written.
func (a *app) openStore(ctx context.Context) (*store.Store, error) {
	keys, err := audit.FromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, a.databaseURL)
	if err != nil {
		return nil, err
	}
	st.Keys = keys
	return st, nil
}

// openBooks is openStore for commands that write the books, which need
// the audit keys.
func (a *app) openBooks(ctx context.Context) (*store.Store, error) {
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	if st.Keys == nil {
		st.Close()
		return nil, store.ErrNoKey
	}
	return st, nil
}

// migrationURL is where migrations run: --migrate-database-url; else the
// database URL when one was given, one URL for both as before the roles;
// else the local superuser, which creates the roles too.
func (a *app) migrationURL() string {
	switch {
	case a.migrateURL != "":
		return a.migrateURL
	case a.databaseURLSet:
		return a.databaseURL
	}
	return store.DefaultMigrateURL
}

// migrate applies pending migrations over the migration URL, creating the
// database first when create is set.
func (a *app) migrate(ctx context.Context, create bool) (int, error) {
	url := a.migrationURL()
	if create {
		if err := store.EnsureDatabase(ctx, url); err != nil {
			return 0, err
		}
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	return st.Migrate(ctx)
}

func (a *app) dial(ctx context.Context) (client.Client, error) {
	return platform.Dial(ctx, a.temporal, a.log)
}

// withTemporal dials Temporal for one command and closes the client after.
func (a *app) withTemporal(ctx context.Context, run func(client.Client) error) error {
	c, err := a.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return run(c)
}

// withStore opens the database for one command and closes it after.
func (a *app) withStore(ctx context.Context, run func(*store.Store) error) error {
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return run(st)
}

func (a *app) catalog() (catalog.Catalog, error) {
	return catalog.Load(a.configDir)
}

func (a *app) activities(st *store.Store, cat catalog.Catalog, getenv func(string) string) *activities.Activities {
	return &activities.Activities{Store: st, Catalog: cat, Getenv: getenv, Log: a.log, Metrics: a.metrics}
}

func envOr(key, def string) string {
	if v := strings.TrimSpace(os.Getenv(key)); v != "" {
		return v
	}
	return def
}

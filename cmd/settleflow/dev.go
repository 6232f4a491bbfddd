package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/devserver"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/store"
	temporalconfig "github.com/settleflow/settleflow/temporal-config"
)

func (a *app) devCmd() *cobra.Command {
	var scopeName, period, stateDir string
	var seed int64
	var serve bool
	var web serveFlags
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run the demo: local Postgres and Temporal, the simulator, a worker and one cycle",
		Long: `Starts (or reuses) local PostgreSQL and the Temporal dev server (on the
port of --temporal-address when it names another local port, its UI on that
port + 1000), applies migrations, serves the simulated platform (aggregator, wallet, PSP, affiliate
network and rates), runs a worker and settles one period of the demo scope,
then prints what happened. Running it again for the same period reports the
existing result instead of settling twice. Then it serves the console and API
(with a fresh admin token, printed once) and keeps the worker running until
Ctrl-C.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !serve {
				web.addr = ""
			}
			return a.runDev(cmd, scopeName, period, stateDir, seed, web)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&serve, "serve", true, "serve the console and API after settling, until Ctrl-C")
	web.register(cmd, "127.0.0.1:8080")
	f.StringVar(&scopeName, "scope", "demo-casino", "scope to settle")
	f.StringVar(&period, "period", "", "period to settle; default: the last complete period of the scope")
	f.StringVar(&stateDir, "state-dir", ".state", "where the dev server keeps its SQLite file and log")
	f.Int64Var(&seed, "seed", 42, "simulator seed")
	a.metricsFlag(cmd)
	return cmd
}

func (a *app) runDev(cmd *cobra.Command, scopeName, period, stateDir string, seed int64, web serveFlags) error {
	ctx := cmd.Context()
	out := cmd.OutOrStdout()
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	sc, err := cat.Scope(scopeName)
	if err != nil {
		return err
	}
	if period == "" {
		period = sc.Calendar.Key(sc.LatestSettleable(time.Now()))
	}
	st, err := a.devDatabase(ctx, stateDir)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(out, "✓ postgres ready, migrations applied")

	tc, err := devTemporalConfig(a.temporal.Address)
	if err != nil {
		return err
	}
	srv, err := devserver.StartTemporal(ctx, tc, stateDir, a.log)
	if err != nil {
		return err
	}
	a.temporal.Address = srv.Address
	if err := a.serveMetrics(ctx, st); err != nil {
		return err
	}
	c, err := a.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := platform.SetupNamespace(ctx, c, tc.Namespace, 72*time.Hour, tc.SearchAttributes); err != nil {
		return err
	}
	fmt.Fprintf(out, "✓ temporal dev server at %s (%s), UI %s\n", srv.Address, reusedWord(srv.Reused), srv.UIURL)

	getenv, stopSim, err := a.startDemoSimulator(ctx, cat, scopeName, seed)
	if err != nil {
		return err
	}
	defer stopSim()
	w := platform.NewWorker(c, a.activities(st, cat, getenv))
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()
	fmt.Fprintln(out, "✓ simulator and worker running")

	settled := settleAndReport(ctx, out, c, st, cat, scopeName, period, uiLink{srv.UIURL, tc.Namespace})
	if settled != nil && !errors.Is(settled, errWaitsForOperator) {
		return settled
	}
	fmt.Fprintf(out, "\nThe Temporal dev server keeps running for the UI; stop it with `make stop`.\n")
	if web.addr == "" {
		return settled
	}
	if err := a.serveDemo(ctx, out, web, st, c, cat, srv.UIURL); err != nil {
		return err
	}
	return settled
}

// devTemporalConfig is the dev server's configuration: as embedded, or on
// the port --temporal-address names when that is another port of this
// machine, with its UI on that port + 1000 as the Temporal CLI places it.
// A remote address is refused: dev runs a server of its own.
func devTemporalConfig(address string) (temporalconfig.Config, error) {
	tc, err := temporalconfig.Default()
	if err != nil || address == tc.FrontendAddress() {
		return tc, err
	}
	if tc, err = devserver.ConfigAt(address); err != nil {
		return tc, fmt.Errorf("--temporal-address: dev starts its own Temporal dev server, on this machine only: %w", err)
	}
	if tc.FrontendPort > 65535-1000 {
		return tc, fmt.Errorf("--temporal-address %s: the port must be at most %d (its UI takes the port + 1000)", address, 65535-1000)
	}
	tc.UIPort = tc.FrontendPort + 1000
	return tc, nil
}

// devDatabase starts local Postgres if needed, creates the database,
// applies migrations as the owner and connects as the application, sealing
// the books with the audit key from the environment or, without one, the
// key kept in stateDir.
func (a *app) devDatabase(ctx context.Context, stateDir string) (*store.Store, error) {
	if err := devserver.EnsurePostgres(ctx, a.migrationURL(), a.log); err != nil {
		return nil, err
	}
	if _, err := a.migrate(ctx, true); err != nil {
		return nil, err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	if st.Keys == nil {
		if st.Keys, err = devAuditKeys(stateDir); err != nil {
			st.Close()
			return nil, err
		}
	}
	return st, nil
}

// startDemoSimulator serves one simulated platform on a free loopback
// port for every source of the scope, each kind wanting its source's
// token, and returns a getenv that points the sources at it.
func (a *app) startDemoSimulator(ctx context.Context, cat catalog.Catalog, scopeName string, seed int64) (func(string) string, func(), error) {
	sc, err := cat.Scope(scopeName)
	if err != nil {
		return nil, nil, err
	}
	cfg := sim.DefaultWorldConfig()
	cfg.Provider.Seed = seed
	cfg.Provider.RoundsPerDay = 5000       // enough rounds that a day's GGR is positive in every currency, as usual
	cfg.Provider.Faults.InvalidEvery = 250 // a few bad records, so validation has work to show
	cfg.Provider.Faults.DuplicatePage = 2  // a page served twice, so de-duplication does too
	// A few breaks of every kind reconciliation reports without holding the
	// cycle (a conflicting duplicate would wait for an approver), so the
	// demo has discrepancies to show and resolve.
	cfg.Breaks = sim.Breaks{sim.MissingInWallet: 0.001, sim.MissingInProvider: 0.0005, sim.AmountMismatch: 0.001,
		sim.CurrencyMismatch: 0.0005, sim.Duplicate: 0.0005, sim.LateArrival: 0.02, sim.FakeFTD: 0.1, sim.PSPFeeMismatch: 0.3}
	cfg.PayoutCutoff = sim.CutoffOf(sc.Calendar.PeriodEndingAt(time.Now()).End)
	cfg.Tokens = map[string]string{}
	for _, src := range sc.Sources {
		if _, set := cfg.Tokens[src.Kind]; !set {
			cfg.Tokens[src.Kind] = src.ResolveToken(os.Getenv)
		}
	}
	world, err := sim.NewWorldServer(cfg)
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("simulator for scope %s: %w", sc.Name, err)
	}
	sctx, cancel := context.WithCancel(ctx)
	go func() {
		if err := sim.Serve(sctx, ln, world); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("simulator stopped", "scope", sc.Name, "error", err)
		}
	}()
	overrides := map[string]string{}
	for _, src := range sc.Sources {
		overrides[src.URLEnv(sc.Name)] = "http://" + ln.Addr().String()
	}
	getenv := func(key string) string {
		if v, ok := overrides[key]; ok {
			return v
		}
		return os.Getenv(key)
	}
	return getenv, cancel, nil
}

func reusedWord(reused bool) string {
	if reused {
		return "reused"
	}
	return "started"
}

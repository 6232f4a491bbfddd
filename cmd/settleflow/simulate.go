package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/sim"
)

func (a *app) simulateCmd() *cobra.Command {
	cfg := sim.DefaultProviderConfig()
	cfg.Token = "demo-token"
	var addr string
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Serve the game-aggregator transaction feed simulator",
		Long: `Serves GET /v1/transactions in the aggregator's wire format with data that is
deterministic for the seed, and optional fault injection.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.Players <= 0 || cfg.RoundsPerDay <= 0 {
				return fmt.Errorf("--players and --rounds-per-day must be positive")
			}
			a.log.Info("simulator serving", "addr", addr, "seed", cfg.Seed)
			return sim.ListenAndServe(cmd.Context(), addr, sim.NewProviderServer(cfg))
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8711", "listen address")
	f.Int64Var(&cfg.Seed, "seed", cfg.Seed, "data seed")
	f.IntVar(&cfg.Players, "players", cfg.Players, "players")
	f.IntVar(&cfg.RoundsPerDay, "rounds-per-day", cfg.RoundsPerDay, "game rounds per UTC day")
	f.StringSliceVar(&cfg.Currencies, "currencies", cfg.Currencies, "currencies players play in")
	f.StringVar(&cfg.Token, "token", cfg.Token, "bearer token required from clients")
	f.IntVar(&cfg.Faults.InvalidEvery, "invalid-every", 0, "make every Nth record invalid")
	f.IntVar(&cfg.Faults.FailFirst, "fail-first", 0, "answer the first N requests with 503")
	f.IntVar(&cfg.Faults.FailEveryN, "fail-every", 0, "answer every Nth request with 500")
	f.IntVar(&cfg.Faults.DuplicatePage, "duplicate-page", 0, "serve page K (1-based index into pages after the first) twice")
	f.DurationVar(&cfg.Faults.PageDelay, "page-delay", 0, "delay before each page")
	f.IntVar(&cfg.Faults.RateLimitEvery, "rate-limit-every", 0, "answer every Nth request with 429")
	return cmd
}

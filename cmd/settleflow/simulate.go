package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/sim"
)

func (a *app) simulateCmd() *cobra.Command {
	cfg := sim.DefaultWorldConfig()
	cfg.Provider.Token = "demo-token"
	var addr, breaks, cutoff, answerKey, answerFrom, answerTo string
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Serve a simulated platform: aggregator, wallet, PSP, affiliate network and FX rates",
		Long: `Serves one simulated platform, deterministic for the seed, in each source's wire format:
GET /v1/transactions (the aggregator, with its fault options) and /v1/transactions/summary,
/v1/ledger (the wallet), /v1/settlement-report and /v1/settlement-report/summary (the PSP),
/v1/events (the affiliate network) and /v1/rates (FX). The sources agree with each other
unless --breaks injects named defects at given rates; --answer-key writes every injected
break of a period, with its record ids and where it is expected to be detected.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.Provider.Players <= 0 || cfg.Provider.RoundsPerDay < 0 {
				return fmt.Errorf("--players must be positive and --rounds-per-day not negative")
			}
			var err error
			if cfg.Breaks, err = sim.ParseBreaks(breaks); err != nil {
				return fmt.Errorf("--breaks: %w", err)
			}
			if cfg.PayoutCutoff, err = clockTime(cutoff); err != nil {
				return fmt.Errorf("--payout-cutoff: %w", err)
			}
			srv, err := sim.NewWorldServer(cfg)
			if err != nil {
				return err
			}
			if answerKey != "" {
				if err := writeAnswerKey(cfg, answerKey, answerFrom, answerTo); err != nil {
					return err
				}
			}
			a.log.Info("simulator serving", "addr", addr, "seed", cfg.Provider.Seed, "breaks", cfg.Breaks.String())
			return sim.ListenAndServe(cmd.Context(), addr, srv)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8711", "listen address")
	p := &cfg.Provider
	f.Int64Var(&p.Seed, "seed", p.Seed, "data seed")
	f.IntVar(&p.Players, "players", p.Players, "players")
	f.IntVar(&p.RoundsPerDay, "rounds-per-day", p.RoundsPerDay, "game rounds per UTC day")
	f.StringSliceVar(&p.Currencies, "currencies", p.Currencies, "currencies players play in")
	f.StringVar(&p.Token, "token", p.Token, "bearer token required from clients (every source)")
	f.IntVar(&p.Faults.InvalidEvery, "invalid-every", 0, "make every Nth aggregator record invalid")
	f.IntVar(&p.Faults.FailFirst, "fail-first", 0, "answer the first N aggregator requests with 503")
	f.IntVar(&p.Faults.FailEveryN, "fail-every", 0, "answer every Nth aggregator request with 500")
	f.IntVar(&p.Faults.DuplicatePage, "duplicate-page", 0, "serve the aggregator's page K (1-based index into pages after the first) twice")
	f.DurationVar(&p.Faults.PageDelay, "page-delay", 0, "delay before each aggregator page")
	f.IntVar(&p.Faults.RateLimitEvery, "rate-limit-every", 0, "answer every Nth aggregator request with 429")
	f.IntVar(&cfg.DepositsPerDay, "deposits-per-day", cfg.DepositsPerDay, "deposits by existing players per PSP business day")
	f.IntVar(&cfg.WithdrawalsPerDay, "withdrawals-per-day", cfg.WithdrawalsPerDay, "withdrawals per PSP business day")
	f.IntVar(&cfg.BonusesPerDay, "bonuses-per-day", cfg.BonusesPerDay, "wallet bonus credits per day")
	f.IntVar(&cfg.ClicksPerDay, "clicks-per-day", cfg.ClicksPerDay, "affiliate clicks per day")
	f.IntVar(&cfg.RegistrationsPerDay, "registrations-per-day", cfg.RegistrationsPerDay, "new players per day, each from a click")
	f.StringVar(&cfg.PSPFeePercent, "psp-fee", cfg.PSPFeePercent, "the PSP's fee in percent of every line")
	f.StringVar(&cutoff, "payout-cutoff", "00:00", "UTC time of day the PSP's business day ends (HH:MM); set it to the scope's cut-off")
	f.DurationVar(&cfg.LateBy, "late-by", cfg.LateBy, "how late a late_arrival is booked")
	f.StringVar(&breaks, "breaks", "", "breaks to inject, name=rate,... or all=rate (names: "+fmt.Sprint(sim.BreakNames)+")")
	f.StringVar(&answerKey, "answer-key", "", "write the breaks injected in [--answer-from, --answer-to) to this file as JSON")
	f.StringVar(&answerFrom, "answer-from", "", "start of the answer key's range (YYYY-MM-DD or RFC 3339, UTC; default: 7 days before today)")
	f.StringVar(&answerTo, "answer-to", "", "end of the answer key's range (default: today 00:00 UTC)")
	return cmd
}

// clockTime reads HH:MM as a time of day.
func clockTime(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// writeAnswerKey writes the answer key of [from, to) to path.
func writeAnswerKey(cfg sim.WorldConfig, path, from, to string) error {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	start, err := instant(from, today.Add(-7*24*time.Hour))
	if err != nil {
		return fmt.Errorf("--answer-from: %w", err)
	}
	end, err := instant(to, today)
	if err != nil {
		return fmt.Errorf("--answer-to: %w", err)
	}
	if !start.Before(end) {
		return fmt.Errorf("--answer-from %s is not before --answer-to %s", start.Format(time.RFC3339), end.Format(time.RFC3339))
	}
	file, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--answer-key: %w", err)
	}
	if err := sim.WriteAnswerKey(file, cfg, start, end); err != nil {
		file.Close()
		return fmt.Errorf("--answer-key %s: %w", path, err)
	}
	return file.Close()
}

// instant reads a date (midnight UTC) or an RFC 3339 time; "" is def.
func instant(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither YYYY-MM-DD nor RFC 3339", s)
	}
	return t.UTC(), nil
}

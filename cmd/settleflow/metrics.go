package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/telemetry"
)

// metricsFlag adds --metrics-addr to a command that runs a worker.
func (a *app) metricsFlag(cmd *cobra.Command) {
	cmd.Flags().StringVar(&a.metricsAddr, "metrics-addr", envOr("SETTLEFLOW_METRICS_ADDR", ""),
		"serve Prometheus metrics at http://ADDR/metrics, e.g. :9464; empty serves none (env SETTLEFLOW_METRICS_ADDR)")
}

// serveMetrics serves Prometheus metrics at --metrics-addr until ctx ends:
// the Temporal SDK's, through the clients dialled after it, and
// settleflow's own, through the activities built after it.
func (a *app) serveMetrics(ctx context.Context, st *store.Store) error {
	if a.metricsAddr == "" {
		return nil
	}
	p, err := a.prometheus(st)
	if err != nil {
		return err
	}
	bound, err := telemetry.ServeMetrics(ctx, a.metricsAddr, p.Handler(), a.log)
	if err != nil {
		return err
	}
	a.log.Info("serving metrics", "url", "http://"+bound.String()+"/metrics")
	return nil
}

// prometheus is the process's one metrics registry, made on first use:
// settleflow's instruments, the blocked-cycles gauge read from st, and the
// Temporal SDK's metrics for the clients dialled after it. A worker's
// --metrics-addr and serve's /metrics show the same registry.
func (a *app) prometheus(st *store.Store) (*telemetry.Prometheus, error) {
	if a.prom != nil {
		return a.prom, nil
	}
	p, err := telemetry.NewPrometheus()
	if err != nil {
		return nil, err
	}
	m, err := telemetry.NewMetrics(p.Provider)
	if err != nil {
		return nil, err
	}
	if err := m.ObserveBlocked(st.BlockedCycles); err != nil {
		return nil, err
	}
	a.temporal.MetricsHandler = telemetry.TemporalMetrics(p.Provider, a.log)
	a.prom, a.metrics = p, m
	return p, nil
}

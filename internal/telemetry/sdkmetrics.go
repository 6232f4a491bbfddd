package telemetry

import (
	"log/slog"

	"go.opentelemetry.io/otel/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// TemporalMetrics is the Temporal SDK's metrics handler on mp: workflow and
// activity task latencies, poll and schedule-to-start times, cache sizes,
// request counts. An instrument the meter refuses is logged, not fatal.
func TemporalMetrics(mp metric.MeterProvider, log *slog.Logger) client.MetricsHandler {
	return temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
		Meter:                mp.Meter("temporal-sdk-go"),
		UseMonotonicCounters: true,
		OnError:              func(err error) { log.Warn("temporal SDK metric refused", "error", err) },
	})
}

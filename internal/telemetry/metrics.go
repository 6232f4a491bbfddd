package telemetry

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Metrics are settleflow's own instruments, recorded where the facts are
// known: activities after a step's result, the event recorder when a step
// or a cycle ends. A nil *Metrics records nothing, so code that records
// need not care whether metrics are on.
type Metrics struct {
	pulled        metric.Int64Counter
	accepted      metric.Int64Counter
	rejected      metric.Int64Counter
	stepDuration  metric.Float64Histogram
	cycles        metric.Int64Counter
	blocks        metric.Int64Counter
	anomalies     metric.Int64Counter
	discrepancies metric.Int64Counter
	settled       metric.Int64UpDownCounter
	purged        metric.Int64Counter
	meter         metric.Meter
}

// stepBuckets suit steps that take from milliseconds to an hour.
var stepBuckets = []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600}

// NewMetrics creates the instruments on mp. Their Prometheus names are
// listed in docs/observability.md and used by deploy/grafana/settleflow.json.
func NewMetrics(mp metric.MeterProvider) (*Metrics, error) {
	m := &Metrics{meter: mp.Meter("github.com/settleflow/settleflow")}
	var errs []error
	counter := func(name, desc string) metric.Int64Counter {
		c, err := m.meter.Int64Counter(name, metric.WithDescription(desc))
		errs = append(errs, err)
		return c
	}
	m.pulled = counter("settleflow_records_pulled", "Records the sources delivered, by scope and source.")
	m.accepted = counter("settleflow_records_accepted", "Records accepted by validation, by scope and source.")
	m.rejected = counter("settleflow_records_rejected", "Records rejected, by scope, source, stage (format, duplicate, rules) and reason.")
	m.cycles = counter("settleflow_cycles", "Cycles ended, by scope and outcome (completed, compensated).")
	m.blocks = counter("settleflow_blocks", "Times a cycle blocked for an operator, by scope and step.")
	m.anomalies = counter("settleflow_anomalies", "Stage-3 anomalies flagged, by scope and metric.")
	m.discrepancies = counter("settleflow_discrepancies", "Reconciliation discrepancies found, by scope and type.")
	m.purged = counter("settleflow_purged", "What the retention purge removed, by scope and kind (staged_records, quarantine, event_payloads).")
	var err error
	m.stepDuration, err = m.meter.Float64Histogram("settleflow_step_duration", metric.WithUnit("s"),
		metric.WithDescription("How long a step attempt ran, by scope, step and outcome (completed, skipped, failed)."),
		metric.WithExplicitBucketBoundaries(stepBuckets...))
	errs = append(errs, err)
	m.settled, err = m.meter.Int64UpDownCounter("settleflow_settled_minor_units",
		metric.WithDescription("Amounts posted to the books, in minor units, by scope, currency and party (a partner, or operator); reversals subtract."))
	errs = append(errs, err)
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("settleflow metrics: %w", err)
		}
	}
	return m, nil
}

// ObserveBlocked reports the cycles blocked right now, per scope, at each
// scrape, from count (the cycles projection).
func (m *Metrics) ObserveBlocked(count func(context.Context) (map[string]int64, error)) error {
	_, err := m.meter.Int64ObservableGauge("settleflow_cycles_blocked",
		metric.WithDescription("Cycles waiting for an operator after a failure, by scope."),
		metric.WithInt64Callback(func(ctx context.Context, o metric.Int64Observer) error {
			blocked, err := count(ctx)
			if err != nil {
				return err
			}
			for scope, n := range blocked {
				o.Observe(n, metric.WithAttributes(attribute.String("scope", scope)))
			}
			return nil
		}))
	if err != nil {
		return fmt.Errorf("settleflow metrics: blocked cycles: %w", err)
	}
	return nil
}

func attrs(kv ...string) metric.MeasurementOption {
	a := make([]attribute.KeyValue, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		a = append(a, attribute.String(kv[i], kv[i+1]))
	}
	return metric.WithAttributes(a...)
}

// Pulled counts records a source delivered.
func (m *Metrics) Pulled(ctx context.Context, scope, source string, n int64) {
	if m != nil {
		m.pulled.Add(ctx, n, attrs("scope", scope, "source", source))
	}
}

// Accepted counts records validation accepted.
func (m *Metrics) Accepted(ctx context.Context, scope, source string, n int64) {
	if m != nil {
		m.accepted.Add(ctx, n, attrs("scope", scope, "source", source))
	}
}

// Rejected counts rejected records by stage and reason.
func (m *Metrics) Rejected(ctx context.Context, scope, source, stage, reason string, n int64) {
	if m != nil {
		m.rejected.Add(ctx, n, attrs("scope", scope, "source", source, "stage", stage, "reason", reason))
	}
}

// StepEnded records how long a step attempt ran and how it ended.
func (m *Metrics) StepEnded(ctx context.Context, scope, step, outcome string, took time.Duration) {
	if m != nil {
		m.stepDuration.Record(ctx, took.Seconds(), attrs("scope", scope, "step", step, "outcome", outcome))
	}
}

// CycleEnded counts a cycle by its outcome.
func (m *Metrics) CycleEnded(ctx context.Context, scope, outcome string) {
	if m != nil {
		m.cycles.Add(ctx, 1, attrs("scope", scope, "outcome", outcome))
	}
}

// Blocked counts a cycle blocking on a step.
func (m *Metrics) Blocked(ctx context.Context, scope, step string) {
	if m != nil {
		m.blocks.Add(ctx, 1, attrs("scope", scope, "step", step))
	}
}

// Anomaly counts a stage-3 anomaly.
func (m *Metrics) Anomaly(ctx context.Context, scope, metricName string) {
	if m != nil {
		m.anomalies.Add(ctx, 1, attrs("scope", scope, "metric", metricName))
	}
}

// Discrepancies counts discrepancies of one type found in a cycle.
func (m *Metrics) Discrepancies(ctx context.Context, scope, typ string, n int64) {
	if m != nil {
		m.discrepancies.Add(ctx, n, attrs("scope", scope, "type", typ))
	}
}

// Settled adds an amount posted for a party (negative for a reversal).
func (m *Metrics) Settled(ctx context.Context, scope, currency, party string, minor int64) {
	if m != nil {
		m.settled.Add(ctx, minor, attrs("scope", scope, "currency", currency, "party", party))
	}
}

// Purged counts what the retention purge removed.
func (m *Metrics) Purged(ctx context.Context, scope, kind string, n int64) {
	if m != nil {
		m.purged.Add(ctx, n, attrs("scope", scope, "kind", kind))
	}
}

// Package telemetry sets up OpenTelemetry tracing for settleflow: spans for
// every workflow, activity and update (through Temporal's tracing
// interceptor) and for the work inside activities, exported to stdout or an
// OTLP collector.
package telemetry

import (
	"context"
	"fmt"
	"io"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
)

// Exporters settleflow can send spans to.
const (
	ExporterNone   = "none"
	ExporterStdout = "stdout"
	ExporterOTLP   = "otlp" // configured by the standard OTEL_EXPORTER_OTLP_* variables
)

// Setup installs a global tracer provider exporting to exporter and returns
// the Temporal interceptor that traces workflows and activities, and a
// shutdown that flushes what is buffered. With ExporterNone it installs
// nothing and returns no interceptor.
func Setup(ctx context.Context, exporter string, stdout io.Writer) ([]interceptor.ClientInterceptor, func(context.Context) error, error) {
	noop := func(context.Context) error { return nil }
	var exp sdktrace.SpanExporter
	var err error
	switch exporter {
	case "", ExporterNone:
		return nil, noop, nil
	case ExporterStdout:
		exp, err = stdouttrace.New(stdouttrace.WithWriter(stdout))
	case ExporterOTLP:
		exp, err = otlptracegrpc.New(ctx)
	default:
		return nil, noop, fmt.Errorf("telemetry exporter %q: want none, stdout or otlp", exporter)
	}
	if err != nil {
		return nil, noop, fmt.Errorf("telemetry exporter %s: %w", exporter, err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(resource.NewSchemaless(
		semconv.ServiceName("settleflow"))))
	otel.SetTracerProvider(tp)
	ic, err := Interceptor(tp)
	if err != nil {
		return nil, tp.Shutdown, err
	}
	return []interceptor.ClientInterceptor{ic}, tp.Shutdown, nil
}

// Interceptor traces workflows, activities, queries and updates with the
// provider's tracer; clients and the workers built on them use it.
func Interceptor(tp *sdktrace.TracerProvider) (interceptor.Interceptor, error) {
	return temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{Tracer: tp.Tracer("settleflow")})
}

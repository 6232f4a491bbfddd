package telemetry

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

func settleOne(ctx workflow.Context) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	var out string
	err := workflow.ExecuteActivity(ctx, postEntry, "entry-1").Get(ctx, &out)
	return out, err
}

func postEntry(_ context.Context, id string) (string, error) { return "posted " + id, nil }

// The interceptor gives every workflow and activity a span, so a trace
// shows a cycle's steps with their timing.
func TestInterceptorTracesWorkflowsAndActivities(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	ic, err := Interceptor(trace.NewTracerProvider(trace.WithSpanProcessor(rec)))
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{ic}})
	env.RegisterWorkflow(settleOne)
	env.RegisterActivity(postEntry)
	env.ExecuteWorkflow(settleOne)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range rec.Ended() {
		names = append(names, s.Name())
	}
	joined := strings.Join(names, ",")
	for _, want := range []string{"RunWorkflow:settleOne", "RunActivity:postEntry"} {
		if !strings.Contains(joined, want) {
			t.Errorf("spans %v lack %s", names, want)
		}
	}
}

func TestSetupChoosesExporter(t *testing.T) {
	ctx := context.Background()
	if ics, _, err := Setup(ctx, ExporterNone, nil); err != nil || ics != nil {
		t.Fatalf("none: %v %v", ics, err)
	}
	if _, _, err := Setup(ctx, "zipkin", nil); err == nil {
		t.Fatal("unknown exporter accepted")
	}
	var out bytes.Buffer
	ics, flush, err := Setup(ctx, ExporterStdout, &out)
	if err != nil || len(ics) != 1 {
		t.Fatalf("stdout: %v %v", ics, err)
	}
	if err := flush(ctx); err != nil {
		t.Fatal(err)
	}
}

package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/testenv"
)

// temporal is the dev server this package's tests share; the bench must
// reuse it rather than start one.
var temporal *testenv.Temporal

func TestMain(m *testing.M) { testenv.Main(m, &temporal) }

// The fields `settleflow bench --output json` promises, each a positive
// number after a run.
var requiredFields = []string{"records", "wall_seconds", "cpu_seconds", "copy_seconds", "ratio_to_copy",
	"records_per_second", "worker_peak_rss_bytes", "history_events", "staging_bytes_per_record"}

// A short bench, run as a person runs it, against the test's Temporal and
// Postgres: every promised field is there with a sane value, and nothing
// is left behind.
func TestBenchReportsEveryFieldAndCleansUp(t *testing.T) {
	bin := buildBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "bench", "--records", "3000", "--output", "json", "--log-level", "warn",
		"--temporal-address", temporal.Address, "--database-url", testenv.ServerURL())
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("settleflow bench: %v\nstderr:\n%s", err, stderr.String())
	}
	t.Logf("progress (stderr):\n%s", stderr.String())
	var got map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
	}
	for _, field := range requiredFields {
		v, ok := got[field].(float64)
		if !ok || v <= 0 {
			t.Errorf("%s = %v (%T): want a positive number", field, got[field], got[field])
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", stdout.String())
	}
	if n, _ := got["records"].(float64); n < 2000 || n > 4000 {
		t.Errorf("records %v: asked for about 3,000", n)
	}
	if steps, _ := got["steps"].([]any); len(steps) < 7 {
		t.Errorf("steps %v: want each step of the cycle", got["steps"])
	}
	run, _ := got["run"].(map[string]any)
	if run["temporal"] != "reused" {
		t.Errorf("run.temporal %v: the test's server answers at the address, so it must be reused", run["temporal"])
	}
	requireDropped(t, ctx, run["database"])
}

func requireDropped(t *testing.T, ctx context.Context, database any) {
	t.Helper()
	name, _ := database.(string)
	if !strings.HasPrefix(name, "settleflow_bench_") {
		t.Fatalf("run.database %v: want settleflow_bench_<random>", database)
	}
	conn, err := pgx.Connect(ctx, testenv.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s is still there after the bench", name)
	}
}

// buildBinary builds cmd/settleflow into the test's temporary directory:
// the bench runs the simulator and the worker from its own executable.
func buildBinary(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "settleflow")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/settleflow")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(out)))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/settleflow: %v\n%s", err, out)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return runCLIContext(context.Background(), args...)
}

// runCLIContext runs the CLI in-process with ctx, returning what it printed.
func runCLIContext(ctx context.Context, args ...string) (string, error) {
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	return out.String(), err
}

func TestReplayFileAcceptsGoldenRefusesTampered(t *testing.T) {
	golden := filepath.Join("..", "..", "workflows", "testdata", "cycle-completed-v2.json")
	out, err := runCLI(t, "replay", "--file", golden)
	if err != nil || !strings.Contains(out, "OK") {
		t.Fatalf("replay of a golden history: %v\n%s", err, out)
	}
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	// Recorded as if validate had run where split did: the current code
	// would not produce that history.
	tampered := strings.Replace(string(data), `"name": "Validate"`, `"name": "Split"`, 1)
	if tampered == string(data) {
		t.Fatal("golden history has no Validate activity to tamper with")
	}
	path := filepath.Join(t.TempDir(), "tampered.json")
	if err := os.WriteFile(path, []byte(tampered), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = runCLI(t, "replay", "--file", path)
	if err == nil || !strings.Contains(err.Error(), "FAILED") || !strings.Contains(err.Error(), "nondetermin") {
		t.Fatalf("replay of a tampered history: %v, want a readable nondeterminism failure", err)
	}
}

func TestReplayNeedsExactlyOneSource(t *testing.T) {
	if _, err := runCLI(t, "replay"); err == nil {
		t.Fatal("replay without --file or --workflow-id accepted")
	}
}

func TestCycleStartRequiresFlags(t *testing.T) {
	if _, err := runCLI(t, "cycle", "start", "--scope", "demo-casino"); err == nil || !strings.Contains(err.Error(), "period") {
		t.Fatalf("missing --period: %v", err)
	}
}

// Unreachable infrastructure is named in the error, with its address.
func TestUnreachableServicesAreNamed(t *testing.T) {
	_, err := runCLI(t, "cycle", "start", "--scope", "demo-casino", "--period", "2026-11-01", "--temporal-address", "127.0.0.1:1")
	if err == nil || !strings.Contains(err.Error(), "temporal at 127.0.0.1:1") || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("unreachable Temporal: %v", err)
	}
	_, err = runCLI(t, "migrate", "--create-database=false", "--database-url", "postgres://postgres@127.0.0.1:1/settleflow")
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("unreachable Postgres: %v", err)
	}
	_, err = runCLI(t, "cycle", "start", "--scope", "nope", "--period", "2026-11-01")
	if err == nil || !strings.Contains(err.Error(), `unknown scope "nope"`) {
		t.Errorf("unknown scope: %v", err)
	}
}

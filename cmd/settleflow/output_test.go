package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/settleflow/settleflow/internal/audit"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/testenv"
)

// cycle show --output json prints the cycle as the API answers it, here
// rebuilt from the event log with no Temporal to ask; an output it does
// not know is refused before anything is read.
func TestCycleShowJSON(t *testing.T) {
	t.Setenv(audit.EnvKey, testenv.AuditKeySpec)
	st, url := testenv.Database(t)
	c := testenv.ReconciledCycle(t, context.Background(), st)
	db := "--database-url=" + url

	out, err := runCLI(t, "cycle", "show", db, "--temporal-address", "127.0.0.1:1", "--output", "json", c.WorkflowID)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var doc platform.CycleDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.WorkflowID != c.WorkflowID || doc.CycleID != c.ID.String() || doc.Source != "event_log" || doc.Period != "2026-11-01" {
		t.Errorf("cycle show json: %+v", doc)
	}
	_, err = runCLI(t, "cycle", "show", db, "--output", "yaml", c.WorkflowID)
	if err == nil || !strings.Contains(err.Error(), `--output "yaml"`) {
		t.Errorf("--output yaml: %v", err)
	}
}

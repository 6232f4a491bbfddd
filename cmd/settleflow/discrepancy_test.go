package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settleflow/settleflow/internal/audit"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// The operator's commands against a real database: list in every output,
// resolve one, export, fill in, import, and see the result listed.
func TestDiscrepancyCommands(t *testing.T) {
	t.Setenv(audit.EnvKey, testenv.AuditKeySpec)
	// Direct access, whatever the environment says about an API.
	t.Setenv("SETTLEFLOW_API_URL", "")
	t.Setenv("SETTLEFLOW_API_TOKEN", "")
	ctx := context.Background()
	st, url := testenv.Database(t)
	c := testenv.ReconciledCycle(t, ctx, st)
	db := "--database-url=" + url

	out, err := runCLI(t, "discrepancy", "list", db, "--cycle", c.WorkflowID, "--type", recon.MissingRight)
	if err != nil || !strings.Contains(out, "3 discrepancies of "+c.WorkflowID) || strings.Count(out, "MISSING_RIGHT") != 3 {
		t.Fatalf("list: %v\n%s", err, out)
	}
	out, err = runCLI(t, "discrepancy", "list", db, "--cycle", c.ID.String(), "--output", "json", "--min-amount", "901")
	var listed []store.Discrepancy
	if err != nil || json.Unmarshal([]byte(out), &listed) != nil || len(listed) != 6 {
		t.Fatalf("list json: %v, %d breaks\n%s", err, len(listed), out)
	}
	var mismatch store.Discrepancy
	for _, d := range listed {
		if d.Kind == recon.CurrencyMismatch {
			mismatch = d
		}
	}
	out, err = runCLI(t, "discrepancy", "resolve", db, mismatch.ID.String(), "--action", "adjust", "--reason", "x", "--as", "dan")
	if err == nil || !strings.Contains(err.Error(), "no difference in one currency") {
		t.Fatalf("adjusting a currency mismatch: %v %s", err, out)
	}
	if _, err := runCLI(t, "discrepancy", "resolve", db, mismatch.ID.String(), "--action", "carry", "--reason", "tomorrow", "--as", "dan"); err != nil {
		t.Fatal(err)
	}

	out, err = runCLI(t, "discrepancy", "export", db, "--cycle", c.WorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 11 {
		t.Fatalf("export: %v, %d rows", err, len(rows))
	}
	for _, row := range rows[1:] {
		if row[3] == recon.StatusOpen {
			row[len(row)-2], row[len(row)-1] = recon.ActionAccept, "checked against the PSP report"
		}
	}
	file := filepath.Join(t.TempDir(), "breaks.csv")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := csv.NewWriter(f).WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err = runCLI(t, "discrepancy", "import", db, file, "--as", "erin")
	if err != nil || !strings.Contains(out, "10 rows: 9 resolved by erin, 0 already resolved so, 1 left as they were") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err = runCLI(t, "discrepancy", "list", db, "--cycle", c.WorkflowID, "--status", recon.StatusOpen)
	if err != nil || !strings.Contains(out, "0 discrepancies") {
		t.Fatalf("open after import: %v\n%s", err, out)
	}
	// cycle show, with no Temporal to ask, reads the log and the live
	// reconciliation from Postgres.
	out, err = runCLI(t, "cycle", "show", db, "--temporal-address", "127.0.0.1:1", c.WorkflowID)
	if err != nil || !strings.Contains(out, "reconciliation (values in KRW)") ||
		!strings.Contains(out, "games  bet   0        0              0     10        0 KRW") {
		t.Fatalf("cycle show: %v\n%s", err, out)
	}
}

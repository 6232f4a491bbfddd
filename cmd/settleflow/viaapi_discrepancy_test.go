package main

import (
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/server"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// discrepancyAPI serves the API over a database with testenv's reconciled
// cycle and returns the cycle and a token per name (olga operator, vic
// viewer). Resolutions never reach Temporal, so its client is a lazy one
// that is never dialled.
func discrepancyAPI(t *testing.T) (*store.Store, store.Cycle, string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	st, _ := testenv.Database(t)
	c := testenv.ReconciledCycle(t, ctx, st)
	tc, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Store: st, Temporal: tc, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	tokens := map[string]string{}
	for name, role := range map[string]string{"olga": "operator", "vic": "viewer"} {
		tok, err := platform.CreateToken(ctx, st, name, role, "test")
		if err != nil {
			t.Fatal(err)
		}
		tokens[name] = tok.Secret
	}
	return st, c, ts.URL, tokens
}

// discrepancy resolve and import through the API are recorded as the
// token's identity: --as is refused, a viewer's token is refused, and an
// import with a bad row prints its row and field and applies nothing.
func TestDiscrepancyCommandsThroughTheAPI(t *testing.T) {
	st, c, url, tokens := discrepancyAPI(t)
	t.Setenv("SETTLEFLOW_API_URL", url)
	t.Setenv("SETTLEFLOW_API_TOKEN", tokens["olga"])
	ctx := context.Background()
	_, list, err := platform.ListDiscrepancies(ctx, st, platform.BreakQuery{Cycle: c.WorkflowID, Type: recon.MissingRight})
	if err != nil || len(list) != 3 {
		t.Fatalf("missing breaks: %d, %v", len(list), err)
	}
	id := list[0].ID.String()

	if _, err := runCLI(t, "discrepancy", "resolve", id, "--action", "carry", "--reason", "r", "--as", "bob"); err == nil ||
		!strings.Contains(err.Error(), "--as: not allowed through the API") {
		t.Errorf("--as through the API: %v", err)
	}
	if _, err := runCLI(t, "discrepancy", "resolve", id, "--action", "carry", "--reason", "r", "--api-token", tokens["vic"]); err == nil ||
		!strings.Contains(err.Error(), "needs role operator") {
		t.Errorf("a viewer's token: %v", err)
	}
	out, err := runCLI(t, "discrepancy", "resolve", id, "--action", "carry", "--reason", "the wallet's export arrives tomorrow")
	if err != nil || !strings.Contains(out, "carry by olga") {
		t.Fatalf("resolve through the API: %v\n%s", err, out)
	}

	rows := testenv.ExportRows(t, ctx, st, c.WorkflowID)
	for _, row := range rows[1:] {
		if row[3] == recon.StatusOpen {
			row[len(row)-2], row[len(row)-1] = recon.ActionAccept, "checked against the PSP report"
		}
	}
	rows[2][len(rows[2])-1] = "" // no reason
	file := writeRows(t, rows)
	if _, err := runCLI(t, "discrepancy", "import", file, "--as", "bob"); err == nil || !strings.Contains(err.Error(), "--as") {
		t.Errorf("import --as through the API: %v", err)
	}
	_, err = runCLI(t, "discrepancy", "import", file)
	if err == nil || !strings.Contains(err.Error(), "row 3, field reason") {
		t.Fatalf("import with a bad row: %v", err)
	}
	rows[2][len(rows[2])-1] = "checked against the PSP report"
	out, err = runCLI(t, "discrepancy", "import", writeRows(t, rows))
	if err != nil || !strings.Contains(out, "10 rows: 9 resolved by olga, 0 already resolved so, 1 left as they were") {
		t.Fatalf("import through the API: %v\n%s", err, out)
	}
	_, all, err := platform.ListDiscrepancies(ctx, st, platform.BreakQuery{Cycle: c.WorkflowID})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		if d.Status == recon.StatusOpen || d.ResolvedBy != "olga" {
			t.Errorf("%s %s: %s by %q, want resolved by olga", d.Kind, d.Key, d.Status, d.ResolvedBy)
		}
	}
}

func writeRows(t *testing.T, rows [][]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "breaks.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := csv.NewWriter(f).WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return path
}

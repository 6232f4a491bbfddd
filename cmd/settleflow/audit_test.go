package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/audit"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/testenv"
)

// audit verify passes clean books and, once a superuser has edited an
// event and recomputed its plain hash, names it and exits non-zero.
func TestAuditVerifyNamesTheTamperedRow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, url := testenv.Database(t)
	start := time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC)
	c, err := st.CreateCycle(ctx, store.Cycle{ID: uuid.New(), WorkflowID: "settle/cli/2026-11-01", Scope: "cli",
		PeriodKey: "2026-11-01", PeriodStart: start, PeriodEnd: start.Add(24 * time.Hour), Revision: 1, Status: "running"})
	if err != nil {
		t.Fatal(err)
	}
	for seq, kind := range []string{"cycle.opened", "step.started"} {
		if err := st.AppendEvent(ctx, store.Event{CycleID: c.ID, Seq: seq + 1, Kind: kind}, store.Projection{}); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(audit.EnvKey, testenv.AuditKeySpec)
	out, err := runCLI(t, "audit", "verify", "--database-url", url)
	if err != nil || !strings.HasPrefix(out, "OK: checked 2 cycle_events (0 unsealed)") {
		t.Fatalf("verify clean books: %v\n%s", err, out)
	}

	su := testenv.Superuser(t, url)
	_, err = su.Pool.Exec(ctx, `SET session_replication_role = replica;
		UPDATE cycle_events SET kind = 'cycle.forged', key_id = '' WHERE seq = 1;
		UPDATE cycle_events SET hash = encode(sha256(convert_to(prev_hash || '|' || seq::text || '|' || kind || '|' || step
			|| '|' || actor || '|' || payload::text, 'UTF8')), 'hex') WHERE seq = 1;
		RESET session_replication_role`)
	if err != nil {
		t.Fatal(err)
	}
	out, err = runCLI(t, "audit", "verify", "--database-url", url, "--cycle", "settle/cli/2026-11-01", "--output", "json")
	if err == nil || !strings.Contains(err.Error(), "problem(s) found") {
		t.Fatalf("verify tampered books: %v, want it to fail", err)
	}
	var r audit.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("json report: %v\n%s", err, out)
	}
	found := false
	for _, f := range r.Findings {
		found = found || (f.Table == "cycle_events" && f.ID == c.ID.String()+"/1")
	}
	if !found {
		t.Errorf("findings %+v do not name event 1", r.Findings)
	}

	t.Setenv(audit.EnvKey, "")
	if _, err := runCLI(t, "audit", "verify", "--database-url", url); err == nil || !strings.Contains(err.Error(), audit.EnvKey) {
		t.Errorf("verify without a key: %v, want an error naming %s", err, audit.EnvKey)
	}
}

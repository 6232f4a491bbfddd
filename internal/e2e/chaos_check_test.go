package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	sdktemporal "go.temporal.io/sdk/temporal"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/ledger"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/store"
)

// chaosOutcome is how a cycle ended, and what it staged and published.
type chaosOutcome struct {
	Status  string // a cycle status, or "timed out"
	Reason  string // a block's or a failure's
	CycleID uuid.UUID
	// staged counts the cycle's staged rows per source; statements are
	// what it published (snapshot).
	staged     map[string]int64
	statements []store.Statement
}

// awaitOutcome waits until the run completes, fails, or stops for an
// operator, riding out a Temporal server that is away for a while.
func awaitOutcome(e *env, started platform.Started, within time.Duration) chaosOutcome {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(e.ctx, 3*time.Second)
		res, err := platform.WaitCycle(ctx, e.client, started.WorkflowID, started.RunID)
		var failed *sdktemporal.WorkflowExecutionError
		switch {
		case err == nil:
			cancel()
			id, perr := uuid.Parse(res.CycleID)
			if perr != nil {
				return chaosOutcome{Status: "no cycle id", Reason: perr.Error()}
			}
			return chaosOutcome{Status: res.Status, CycleID: id}
		case errors.As(err, &failed):
			cancel()
			return chaosOutcome{Status: "failed", Reason: err.Error(),
				CycleID: activities.CycleID(started.WorkflowID, started.RunID)}
		}
		st, err := platform.QueryCycle(ctx, e.client, started.WorkflowID, started.RunID)
		cancel()
		if err != nil {
			continue // the server or the worker is away; the result is on its way
		}
		id, _ := uuid.Parse(st.CycleID)
		switch {
		case st.Status == lifecycle.StatusBlocked && st.Blocked != nil:
			return chaosOutcome{Status: st.Status, Reason: st.Blocked.Step + ": " + st.Blocked.Error, CycleID: id}
		case st.Status == lifecycle.StatusAwaitingApproval:
			return chaosOutcome{Status: st.Status, Reason: "no run of the matrix meets the gate", CycleID: id}
		}
	}
	return chaosOutcome{Status: "timed out", Reason: fmt.Sprintf("not over within %s", within)}
}

// snapshot reads what the cycle staged and published.
func (o *chaosOutcome) snapshot(t *testing.T, e *env) {
	t.Helper()
	o.staged = map[string]int64{}
	rows, err := e.store.Pool.Query(e.ctx, `SELECT source, count(*) FROM staged_records WHERE cycle_id = $1 GROUP BY source`, o.CycleID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var source string
		var n int64
		if err := rows.Scan(&source, &n); err != nil {
			t.Fatal(err)
		}
		o.staged[source] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if o.statements, err = e.store.Statements(e.ctx, o.CycleID); err != nil {
		t.Fatal(err)
	}
}

// chaosCheck is one invariant's verdict on one run; NA when it does not
// apply (a blocked cycle publishes nothing to compare).
type chaosCheck struct {
	Name string
	Err  error
	NA   bool
}

// chaosInvariants are the checks' names, in the table's order.
var chaosInvariants = []string{"ends", "staged once", "one settlement", "balanced", "statements = fault-free", "audit verify"}

// checkRun holds a run to the invariants: the cycle completes, or blocks
// with a reason; no row is staged twice and, completed, it staged what the
// fault-free run did; one settlement entry (a blocked cycle: at most one);
// the cycle's journal balances per currency; its statements are byte for
// byte the fault-free run's; the books verify (event chain, seals,
// balance) and no step completed twice in the event log.
func checkRun(t *testing.T, e *env, o chaosOutcome, ref chaosOutcome) []chaosCheck {
	t.Helper()
	waitDatabase(t, e)
	completed := o.Status == lifecycle.StatusCompleted
	ends := chaosCheck{Name: chaosInvariants[0]}
	if !completed && (o.Status != lifecycle.StatusBlocked || o.Reason == "") {
		ends.Err = fmt.Errorf("ended %s: %s", o.Status, o.Reason)
	}
	if o.CycleID == uuid.Nil {
		return []chaosCheck{ends}
	}
	o.snapshot(t, e)
	checks := []chaosCheck{ends,
		{Name: chaosInvariants[1], Err: stagedOnce(e, o, ref, completed)},
		{Name: chaosInvariants[2], Err: oneSettlement(e, o.CycleID, completed)},
		{Name: chaosInvariants[3], Err: balanced(e, o.CycleID)},
		{Name: chaosInvariants[4], NA: !completed},
		{Name: chaosInvariants[5], Err: verified(e, o.CycleID)},
	}
	if completed {
		checks[4].Err = sameStatements(o.statements, ref.statements)
	}
	return checks
}

// waitDatabase waits for the database to answer again after an outage.
func waitDatabase(t *testing.T, e *env) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		err := e.store.Pool.Ping(e.ctx)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the database did not come back: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func stagedOnce(e *env, o, ref chaosOutcome, completed bool) error {
	if d := e.count(`SELECT count(*) - count(DISTINCT (source, external_id)) FROM staged_records WHERE cycle_id = $1`, o.CycleID); d != 0 {
		return fmt.Errorf("%d rows staged twice", d)
	}
	if completed && !maps.Equal(o.staged, ref.staged) {
		return fmt.Errorf("staged %v per source, the fault-free run %v", o.staged, ref.staged)
	}
	return nil
}

func oneSettlement(e *env, cycleID uuid.UUID, completed bool) error {
	n := e.entries(cycleID)
	if (completed && (n[ledger.KindSettlement] != 1 || n[ledger.KindReversal] != 0)) || n[ledger.KindSettlement] > 1 {
		return fmt.Errorf("journal entries %v", n)
	}
	return nil
}

func balanced(e *env, cycleID uuid.UUID) error {
	perCurrency, _ := e.balances(cycleID)
	var off []string
	for currency, sum := range perCurrency {
		if sum != 0 {
			off = append(off, fmt.Sprintf("%s %d", currency, sum))
		}
	}
	if len(off) > 0 {
		slices.Sort(off)
		return fmt.Errorf("journal off balance by %s", strings.Join(off, ", "))
	}
	return nil
}

func sameStatements(got, want []store.Statement) error {
	if len(got) != len(want) || len(got) == 0 {
		return fmt.Errorf("%d statements, the fault-free run %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Partner != w.Partner || g.SHA256 != w.SHA256 || !bytes.Equal(g.JSON, w.JSON) || g.CSV != w.CSV {
			return fmt.Errorf("%s's statement %s differs from the fault-free run's %s", g.Partner, g.SHA256, w.SHA256)
		}
	}
	return nil
}

func verified(e *env, cycleID uuid.UUID) error {
	r, err := e.store.VerifyBooks(e.ctx, []uuid.UUID{cycleID})
	if err != nil {
		return err
	}
	if !r.OK() {
		return fmt.Errorf("audit verify: %+v", r.Findings)
	}
	completions := map[string]int{}
	for _, k := range e.eventKinds(cycleID) {
		if strings.HasPrefix(k, lifecycle.EventStepCompleted+":") {
			completions[k]++
		}
	}
	for k, n := range completions {
		if n > 1 {
			return fmt.Errorf("event log has %s %d times", k, n)
		}
	}
	return nil
}

// chaosResult is one row of the matrix's table.
type chaosResult struct {
	Run     chaosRun
	Landed  string
	Outcome chaosOutcome
	Checks  []chaosCheck
	Took    time.Duration
	// Attempts is the struck step's last activity attempt.
	Attempts int32
}

// chaosTable renders the runs × invariants table in Markdown, with a
// count of violations under it.
func chaosTable(results []chaosResult) string {
	var b strings.Builder
	b.WriteString("| # | fault | in step | offset | down | outcome | attempts | took |")
	for _, name := range chaosInvariants {
		b.WriteString(" " + name + " |")
	}
	b.WriteString("\n|---|---|---|---|---|---|---|---|" + strings.Repeat("---|", len(chaosInvariants)) + "\n")
	violations, ran, outcomes := 0, 0, map[string]int{}
	for i, r := range results {
		if r.Checks == nil {
			fmt.Fprintf(&b, "| %d | %s | %s | — | — | did not run |\n", i+1, r.Run.Fault, r.Run.Step)
			continue
		}
		ran++
		outcomes[r.Outcome.Status]++
		down := "—"
		if r.Run.Down > 0 {
			down = r.Run.Down.String()
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %d | %s |", i+1, r.Run.Fault, r.Landed, r.Run.Offset, down,
			r.Outcome.Status, r.Attempts, r.Took.Round(100*time.Millisecond))
		for _, name := range chaosInvariants {
			cell := "—"
			for _, c := range r.Checks {
				switch {
				case c.Name != name:
				case c.NA:
					cell = "n/a"
				case c.Err != nil:
					cell, violations = "**FAIL**", violations+1
				default:
					cell = "ok"
				}
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n%d of %d runs finished: %v; %d invariant violations\n", ran, len(results), outcomes, violations)
	return b.String()
}

package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/testenv"
)

// A feed that refuses the token fails the pull as bad data: it is not
// retried, the cycle blocks for an operator, and with none coming it aborts
// itself and is compensated, its event log intact.
func TestPullRefusedCompensates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{sim: sim.DefaultProviderConfig(), slices: 1, wrongToken: true})

	started := e.startCycle(abortTuning())
	res, err := e.waitCycle(started, true)
	if err == nil {
		t.Fatalf("cycle with a refused token completed: %+v", res)
	}
	id, status := e.failedCycle(started)
	if status.Status != lifecycle.StatusCompensated || !slices.Equal(status.Compensated, []string{lifecycle.StepOpen}) {
		t.Errorf("status %s, compensated %v; want compensated after undoing open", status.Status, status.Compensated)
	}
	// The cause is the refused token, classified as bad data, and bad data
	// is not retried: one request, answered 401.
	if pull := stepState(status, lifecycle.StepPull); !strings.Contains(pull.Error, "status 401") ||
		!strings.Contains(pull.Error, activities.ErrBadData) || pull.Attempts != 1 {
		t.Errorf("pull step %+v, want one attempt failed with a 401 as %s", pull, activities.ErrBadData)
	}
	if st := e.sim.Stats(); st.Requests != 1 || st.Pages != 0 {
		t.Errorf("simulator saw %+v, want exactly one refused request", st)
	}

	e.requireStatusRow(id, lifecycle.StatusCompensated)
	kinds := e.eventKinds(id) // verifies the hash chain
	requireEvents(t, kinds, "cycle.opened", "step.failed:pull", "cycle.blocked:pull", "action.abort:pull",
		"compensation.started", "cycle.compensated")
	if kinds[len(kinds)-1] != "cycle.compensated" {
		t.Errorf("event log ends with %s, want cycle.compensated", kinds[len(kinds)-1])
	}
	if indexOf(kinds, "step.started:validate") >= 0 {
		t.Errorf("a step ran after the failed pull: %v", kinds)
	}
	if n := e.count(`SELECT count(*) FROM staged_records`); n != 0 {
		t.Errorf("%d staged rows", n)
	}
	if n := e.count(`SELECT count(*) FROM journal_entries`); n != 0 {
		t.Errorf("%d journal entries", n)
	}
	if got := e.searchStatus(started); got != lifecycle.StatusCompensated {
		t.Errorf("SettleStatus search attribute %q, want compensated", got)
	}
}

// A failure after posting (statements cannot be stored) reverses the
// posted entry with a new entry, discards staging and publishes nothing;
// the period can then be settled again, leaving the books with exactly one
// net settlement.
func TestPublishFailureReversesPosting(t *testing.T) {
	t.Parallel()
	cfg := demoFeed()
	e := newEnv(t, envOptions{sim: cfg})
	x := expect(t, cfg, periodFrom, periodTo)

	// This test's own database refuses statements, as a broken disk or a
	// revoked grant would; only the database's owner may add the trigger.
	su := testenv.Superuser(t, e.dbURL)
	_, err := su.Pool.Exec(e.ctx, `
		CREATE FUNCTION e2e_refuse_statements() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'e2e: statements are refused'; END; $$;
		CREATE TRIGGER e2e_refuse_statements BEFORE INSERT ON statements
			FOR EACH ROW EXECUTE FUNCTION e2e_refuse_statements();`)
	if err != nil {
		t.Fatal(err)
	}

	started := e.startCycle(abortTuning())
	res, err := e.waitCycle(started, true)
	if err == nil {
		t.Fatalf("cycle completed without statements: %+v", res)
	}
	id, status := e.failedCycle(started)
	if want := []string{lifecycle.StepPost, lifecycle.StepReconcile, lifecycle.StepPull, lifecycle.StepOpen}; status.Status != lifecycle.StatusCompensated ||
		!slices.Equal(status.Compensated, want) {
		t.Errorf("status %s, compensated %v; want compensated after undoing %v", status.Status, status.Compensated, want)
	}
	e.requireStatusRow(id, lifecycle.StatusCompensated)

	// The settlement stays in the journal and a reversal negates it.
	var settlementID, reverses string
	err = e.store.Pool.QueryRow(e.ctx, `SELECT s.id::text, r.reverses::text FROM journal_entries s
		JOIN journal_entries r ON r.kind = 'reversal' AND r.cycle_id = s.cycle_id
		WHERE s.cycle_id = $1 AND s.kind = 'settlement'`, id).Scan(&settlementID, &reverses)
	if err != nil {
		t.Fatalf("settlement and reversal: %v", err)
	}
	if reverses != settlementID {
		t.Errorf("reversal reverses %s, want the settlement %s", reverses, settlementID)
	}
	if n := e.entries(id); n["settlement"] != 1 || n["reversal"] != 1 {
		t.Errorf("journal entries %v, want one settlement and one reversal", n)
	}
	perCurrency, perAccount := e.balances(id)
	for cur, sum := range perCurrency {
		if sum != 0 {
			t.Errorf("books in %s sum to %d", cur, sum)
		}
	}
	for acct, sum := range perAccount {
		if sum != 0 {
			t.Errorf("account %s nets %d after the reversal, want 0", acct, sum)
		}
	}
	if len(perAccount) != x.journalLines() {
		t.Errorf("%d account/currency pairs posted, want %d", len(perAccount), x.journalLines())
	}
	if n := e.count(`SELECT count(*) FROM statements`); n != 0 {
		t.Errorf("%d statements stored, want none", n)
	}
	if n := e.count(`SELECT count(*) FROM staged_records WHERE cycle_id = $1`, id); n != 0 {
		t.Errorf("%d staged rows left, want staging discarded", n)
	}

	kinds := e.eventKinds(id)
	if publish := stepState(status, lifecycle.StepPublish); !strings.Contains(publish.Error, "statements are refused") {
		t.Errorf("publish step %+v, want it failed by the refused insert", publish)
	}
	requireEvents(t, kinds, "step.completed:post", "step.failed:publish", "cycle.blocked:publish", "compensation.started",
		"step.compensated:post", "step.compensated:pull", "cycle.compensated")
	if indexOf(kinds, "step.compensated:post") > indexOf(kinds, "step.compensated:pull") {
		t.Errorf("post undone after pull; compensations must run newest first: %v", kinds)
	}
	if indexOf(kinds, "step.compensated:publish") >= 0 {
		t.Errorf("the failed publish was compensated: %v", kinds)
	}

	// Repaired, the period settles again as a fresh run of the same
	// workflow ID; the compensated cycle steps aside.
	if _, err := su.Pool.Exec(e.ctx, `DROP TRIGGER e2e_refuse_statements ON statements`); err != nil {
		t.Fatal(err)
	}
	_, again := e.completeCycle(testTuning)
	if again.CycleID == id.String() {
		t.Fatal("the second run reused the compensated cycle's id")
	}
	requireSettlement(t, e, again, x)
	requirePublished(t, e, again, x)
	if n := e.count(`SELECT count(*) FROM cycles WHERE status = 'completed'`); n != 1 {
		t.Errorf("%d completed cycles, want 1", n)
	}
	// Over both runs, the books hold the fee once.
	rows, err := e.store.Pool.Query(e.ctx, `SELECT currency, sum(amount)::bigint FROM journal_lines
		WHERE account = $1 GROUP BY currency`, "partner:"+partner+":payable")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var cur string
		var sum int64
		if err := rows.Scan(&cur, &sum); err != nil {
			t.Fatal(err)
		}
		seen++
		if sum != -x.fee[cur] {
			t.Errorf("%s payable in %s nets %d over both runs, want %d", partner, cur, sum, -x.fee[cur])
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	charged := 0
	for _, fee := range x.fee {
		if fee != 0 {
			charged++
		}
	}
	if seen != charged {
		t.Errorf("payable in %d currencies, want the %d with a fee (GGR %v)", seen, charged, x.ggr)
	}
}

package e2e

import (
	"testing"

	"github.com/settleflow/settleflow/internal/record"
)

// The demo scope with every kind of source settles end to end: each
// source stages exactly what the simulated platform booked in the period;
// the aggregator's and the PSP's control totals are what was staged, group
// by group; every record passes validation (the world has no breaks); only
// the game provider is split and gets a statement.
func TestEveryKindSettles(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{kinds: record.Kinds})
	_, res := e.completeCycle(testTuning)
	id := e.cycleID(res)
	w := e.rig.World
	want := map[string]int{"aggregator": len(w.Transactions(periodFrom, periodTo)), "wallet": len(w.WalletEntries(periodFrom, periodTo)),
		"payments": len(w.PSPLines(periodFrom, periodTo)), "affiliates": len(w.TrafficEvents(periodFrom, periodTo)),
		"rates": len(w.Rates(periodFrom, periodTo))}
	for name, n := range want {
		if got := e.count(`SELECT count(*) FROM staged_records WHERE cycle_id = $1 AND source = $2`, id, name); n == 0 || got != int64(n) {
			t.Errorf("%s staged %d records, the world booked %d", name, got, n)
		}
	}
	if v := res.Validation; v.Rejected+v.FormatRejects+v.Conflicts != 0 || v.Accepted != v.Staged {
		t.Errorf("validation %+v: a world without breaks has nothing to reject", v)
	}
	gaps := e.count(`WITH staged AS (
			SELECT source, (coalesce((attrs->>'booked_at')::timestamptz, occurred_at) AT TIME ZONE 'UTC')::date AS day,
			       currency, type, count(*) AS count, sum(amount)::bigint AS amount
			FROM staged_records WHERE cycle_id = $1 AND source IN ('aggregator', 'payments') GROUP BY 1, 2, 3, 4),
		control AS (SELECT source, day, currency, type, count, amount FROM control_totals WHERE cycle_id = $1)
		SELECT count(*) FROM ((SELECT * FROM staged EXCEPT SELECT * FROM control) UNION ALL (SELECT * FROM control EXCEPT SELECT * FROM staged)) d`, id)
	controls := e.count(`SELECT count(DISTINCT source) FROM control_totals WHERE cycle_id = $1`, id)
	if gaps != 0 || controls != 2 {
		t.Errorf("control totals of %d sources, %d groups differ from staging", controls, gaps)
	}
	if len(res.Statements) != 1 || res.Statements[0].Partner != partner {
		t.Errorf("statements %+v, want acme-games' alone", res.Statements)
	}
	for _, p := range res.Pulls {
		if wantTotals := p.Source == "aggregator" || p.Source == "payments"; (p.ControlTotals > 0) != wantTotals {
			t.Errorf("%s pull published %d control totals", p.Source, p.ControlTotals)
		}
	}
}

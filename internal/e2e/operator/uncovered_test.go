package operator_test

import (
	"strings"
	"testing"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/testenv"
)

// withYen is a feed whose players also bet in JPY, a currency acme-games'
// agreement (KRW, USD, EUR) does not cover.
func withYen() sim.ProviderConfig {
	cfg := sim.DefaultProviderConfig()
	cfg.RoundsPerDay, cfg.Players = 600, 60
	cfg.Currencies = []string{"KRW", "USD", "EUR", "JPY"}
	return cfg
}

// By default each record in an uncovered currency is quarantined on its
// own and the rest settles; a scope that says block stops at split naming
// the currency instead.
func TestUncoveredCurrency(t *testing.T) {
	t.Parallel()
	t.Run("quarantined per record", func(t *testing.T) {
		t.Parallel()
		// Every JPY record is a reject; more than the demo's approval threshold.
		r := server.NewRig(t, testenv.RigOptions{Sim: withYen(),
			ScopeYAML: testenv.DemoScopeYAML(t, "rejects_above: 100", "rejects_above: 100000")})
		s := start(t, r, "2026-11-01", "scheduler", fast, false)
		res, err := wait(t, r, s)
		if err != nil {
			t.Fatalf("cycle: %v", err)
		}
		id := activities.CycleID(s.WorkflowID, s.RunID)
		yen := scalar(t, r, `SELECT count(*) FROM staged_records WHERE cycle_id = $1 AND currency = 'JPY'`, id)
		held := scalar(t, r, `SELECT count(*) FROM quarantine q JOIN staged_records s ON s.cycle_id = q.cycle_id
			AND s.external_id = q.record_key AND s.currency = 'JPY'
			WHERE q.cycle_id = $1 AND q.reason = 'CURRENCY_NOT_COVERED'`, id)
		if yen == 0 || held != yen || res.Validation.ByReason["CURRENCY_NOT_COVERED"] != yen {
			t.Errorf("%d JPY records staged, %d quarantined as not covered, %d counted; want all of them",
				yen, held, res.Validation.ByReason["CURRENCY_NOT_COVERED"])
		}
		if other := scalar(t, r, `SELECT count(*) FROM quarantine WHERE cycle_id = $1 AND reason = 'CURRENCY_NOT_COVERED'`, id); other != yen {
			t.Errorf("%d records quarantined as not covered, only the %d JPY ones should be", other, yen)
		}
		for _, sh := range res.Shares {
			if sh.Currency == "JPY" {
				t.Errorf("a JPY share was settled: %+v", sh)
			}
		}
		if len(res.Shares) != 3 {
			t.Errorf("shares %+v, want KRW, USD and EUR", res.Shares)
		}
	})
	t.Run("blocks when the scope says so", func(t *testing.T) {
		t.Parallel()
		r := server.NewRig(t, testenv.RigOptions{Sim: withYen(),
			ScopeYAML: testenv.DemoScopeYAML(t, "uncovered_currency: quarantine", "uncovered_currency: block")})
		s := start(t, r, "2026-11-01", "scheduler", fast, false)
		st := waitStatus(t, r.Client, s.WorkflowID, lifecycle.StatusBlocked)
		if st.Blocked.Step != lifecycle.StepSplit || !strings.Contains(st.Blocked.Error, `currency "JPY" not covered`) {
			t.Errorf("blocked at %s: %s", st.Blocked.Step, st.Blocked.Error)
		}
		act(t, r, s.WorkflowID, lifecycle.ActionAbort, "ops", "agreement amendment pending", "")
	})
}

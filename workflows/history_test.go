package workflows

import (
	"slices"
	"testing"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/trend"
)

// Stage 3 runs before the approval gate: each anomaly is logged, and the
// cycle keeps the summary in its result and its status.
func TestHistoryCheckLogsAnomaliesAndKeepsSummary(t *testing.T) {
	volume := trend.Anomaly{Change: trend.Change{Series: trend.Series{Metric: trend.MetricVolume}, Value: 20, Baseline: 10,
		ChangeBP: 10000, Compared: true, Cycles: 3}, ThresholdBP: 5000}
	f := &fakeSteps{anomalies: []trend.Anomaly{volume}}
	env := newEnv(t, f)
	env.ExecuteWorkflow(SettlementCycle, testInput())
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res CycleResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Summary != "GGR in KRW held at the trailing 3-cycle mean." || queryStatus(t, env).Summary != res.Summary {
		t.Errorf("summary %q", res.Summary)
	}
	anomaly := slices.Index(f.events, lifecycle.EventAnomalyFound+":"+lifecycle.StepValidate)
	started := slices.Index(f.events, lifecycle.EventStepStarted+":"+lifecycle.StepApprove)
	if anomaly < 0 || anomaly < started {
		t.Errorf("events %v: want the anomaly logged once approval starts", f.events)
	}
	steps := queryStatus(t, env).Steps
	approve := slices.IndexFunc(steps, func(s StepState) bool { return s.Name == lifecycle.StepApprove })
	if n := steps[approve].Counts["anomalies"]; n != 1 {
		t.Errorf("approve counts %d anomalies, want 1", n)
	}
}

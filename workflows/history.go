package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/summary"
)

// checkHistory is stage 3 of validation, run once every figure of the
// cycle is known, just before the approval gate: the cycle against the
// scope's trailing completed cycles. Each anomaly is logged with its
// numbers and opens the gate; nothing is rejected. The cycle keeps the
// summary written from its figures.
func (c *cycle) checkHistory(ctx workflow.Context) error {
	if !c.features.historyCheck || c.historyChecked {
		return nil
	}
	var res activities.HistoryCheck
	if err := workflow.ExecuteActivity(c.stepOptions(ctx, lifecycle.StepApprove), acts.CheckHistory, c.ref()).Get(ctx, &res); err != nil {
		return err
	}
	c.historyChecked = true
	c.result.Summary, c.status.Summary = res.Summary, res.Summary
	c.count(lifecycle.StepApprove, "anomalies", int64(len(res.Anomalies)))
	for _, a := range res.Anomalies {
		err := c.record(ctx, event{kind: lifecycle.EventAnomalyFound, step: lifecycle.StepValidate, payload: map[string]any{
			"metric": a.Metric, "currency": a.Currency, "value": a.Value, "baseline": a.Baseline, "change_bp": a.ChangeBP,
			"threshold_bp": a.ThresholdBP, "cycles": a.Cycles, "description": summary.Anomaly(a),
		}})
		if err != nil {
			return err
		}
	}
	return nil
}

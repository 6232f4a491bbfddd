package summary

import (
	"fmt"
	"strings"

	"github.com/settleflow/settleflow/internal/trend"
)

// outlook states the next cycle's forecasts, each with its model and the
// error that model made over recent cycles.
func outlook(forecasts []trend.Forecast) string {
	if len(forecasts) == 0 {
		return ""
	}
	parts := make([]string, len(forecasts))
	for i, f := range forecasts {
		parts[i] = fmt.Sprintf("%s (%s)", expected(f), method(f))
	}
	return "Next cycle forecast: " + strings.Join(parts, ", ") + "."
}

func expected(f trend.Forecast) string {
	if f.Metric == trend.MetricGGR {
		return "GGR " + amount(f.Next, f.Currency)
	}
	return count(f.Next, "record", "records")
}

// method names the model and its mean absolute percentage error.
func method(f trend.Forecast) string {
	m := fmt.Sprintf("%d-cycle trailing mean", f.Window)
	if f.Model == trend.ModelSeasonalNaive {
		m = fmt.Sprintf("seasonal naive, %d cycles back", f.Window)
	}
	if f.Evaluated == 0 {
		return m + ", error not yet measurable"
	}
	return fmt.Sprintf("%s, off by %s on average over the last %s", m, percent(f.ErrorBP), count(int64(f.Evaluated), "cycle", "cycles"))
}

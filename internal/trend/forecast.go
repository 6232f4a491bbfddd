package trend

import "math/big"

// Forecast models.
const (
	// ModelTrailingMean forecasts the mean of the last Window cycles.
	ModelTrailingMean = "trailing_mean"
	// ModelSeasonalNaive forecasts the value Window cycles back, the same
	// point of the last season.
	ModelSeasonalNaive = "seasonal_naive"
)

// Forecast is the next cycle's expected value of one series, by the model
// that erred least over recent cycles, with that error stated.
type Forecast struct {
	Series
	Next  int64  `json:"next"` // records or minor units
	Model string `json:"model"`
	// Window is how many cycles the trailing mean averaged, or the season.
	Window int `json:"window"`
	// ErrorBP is the model's mean absolute percentage error over the last
	// Evaluated cycles (forecasting each from the cycles before it), in
	// basis points. Evaluated is 0 until there is a cycle to measure on.
	ErrorBP   int64 `json:"error_bp"`
	Evaluated int   `json:"evaluated"`
}

// model forecasts value i of a series from the values before it.
type model struct {
	name    string
	window  int
	predict func(vals []*big.Rat, i int) (*big.Rat, bool)
}

func trailingMean(k int) model {
	return model{name: ModelTrailingMean, window: k, predict: func(vals []*big.Rat, i int) (*big.Rat, bool) {
		if i == 0 {
			return nil, false
		}
		prior := vals[max(0, i-k):i]
		sum := new(big.Rat)
		for _, v := range prior {
			sum.Add(sum, v)
		}
		return sum.Quo(sum, new(big.Rat).SetInt64(int64(len(prior)))), true
	}}
}

func seasonalNaive(season int) model {
	return model{name: ModelSeasonalNaive, window: season, predict: func(vals []*big.Rat, i int) (*big.Rat, bool) {
		if i < season {
			return nil, false
		}
		return vals[i-season], true
	}}
}

// forecastSeries are the series forecast: volume and this cycle's GGR.
func forecastSeries(cur Figures) []Series {
	out := []Series{{Metric: MetricVolume}}
	for _, c := range Currencies(cur) {
		out = append(out, Series{Metric: MetricGGR, Currency: c})
	}
	return out
}

// forecast picks, of the trailing mean and (with a season) the seasonal
// naive model, the one with the lower error over the last th.Trailing
// cycles; the trailing mean wins ties and whenever nothing could be
// measured.
func forecast(s Series, all []Figures, th Thresholds) (Forecast, error) {
	vals := make([]*big.Rat, len(all))
	for i, f := range all {
		vals[i], _ = s.value(f) // volume and GGR are always defined
	}
	models := []model{trailingMean(th.trailing())}
	if th.Season > 0 {
		models = append(models, seasonalNaive(th.Season))
	}
	var best model
	var bestNext, bestErr *big.Rat
	bestN := -1
	for _, m := range models {
		next, ok := m.predict(vals, len(vals))
		if !ok {
			continue
		}
		e, n := errorOf(m, vals, th.trailing())
		if bestN < 0 || (n > 0 && (bestN == 0 || e.Cmp(bestErr) < 0)) {
			best, bestNext, bestErr, bestN = m, next, e, n
		}
	}
	f := Forecast{Series: s, Model: best.name, Window: best.window, Evaluated: bestN}
	if best.name == ModelTrailingMean {
		f.Window = min(best.window, len(vals)) // the mean of what there is
	}
	var err error
	if f.Next, err = round(bestNext); err != nil {
		return f, err
	}
	f.ErrorBP, err = basisPoints(bestErr)
	return f, err
}

// errorOf is the model's mean absolute percentage error over the last n
// values, each forecast from the values before it; a zero actual value has
// no percentage error and is left out.
func errorOf(m model, vals []*big.Rat, n int) (*big.Rat, int) {
	sum, count := new(big.Rat), 0
	for i := max(1, len(vals)-n); i < len(vals); i++ {
		p, ok := m.predict(vals, i)
		if !ok || vals[i].Sign() == 0 {
			continue
		}
		ape := new(big.Rat).Sub(vals[i], p)
		ape.Quo(ape, vals[i])
		sum.Add(sum, ape.Abs(ape))
		count++
	}
	if count == 0 {
		return sum, 0
	}
	return sum.Quo(sum, new(big.Rat).SetInt64(int64(count))), count
}

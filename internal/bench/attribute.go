package bench

import "time"

// span is one step's time on the wall clock.
type span struct {
	name     string
	from, to time.Time
}

// attribute splits the CPU each group used between consecutive samples
// over the steps running in that interval, in proportion to how much of it
// each ran. What no step covers (starting the workflow, the workflow tasks
// between steps) is returned apart.
func attribute(samples []sample, spans []span) (perSpan []map[string]float64, outside map[string]float64) {
	perSpan = make([]map[string]float64, len(spans))
	for i := range perSpan {
		perSpan[i] = map[string]float64{}
	}
	outside = map[string]float64{}
	for i := 1; i < len(samples); i++ {
		prev, cur := samples[i-1], samples[i]
		width := cur.at.Sub(prev.at).Seconds()
		if width <= 0 {
			continue
		}
		for group, total := range cur.cpu {
			delta := total - prev.cpu[group]
			rest := delta
			for j, sp := range spans {
				share := delta * overlap(prev.at, cur.at, sp.from, sp.to).Seconds() / width
				perSpan[j][group] += share
				rest -= share
			}
			outside[group] += rest
		}
	}
	return perSpan, outside
}

// overlap is how long [a, b) and [c, d) share.
func overlap(a, b, c, d time.Time) time.Duration {
	from, to := a, b
	if c.After(from) {
		from = c
	}
	if d.Before(to) {
		to = d
	}
	return max(to.Sub(from), 0)
}

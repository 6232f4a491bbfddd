package sim

import "time"

// Cache sizes. Days are the big values (tens of bytes a record); two cover
// a pull crossing midnight or two slices on neighbouring days. Counts and
// layouts are a few words a day.
const (
	cachedDays    = 2
	cachedCounts  = 1024
	cachedLayouts = 64
)

// feed serves pages of the configured feed from compact days, materialising
// only the records of the page asked for.
type feed struct {
	cfg     ProviderConfig
	days    *memo[int64, *compactDay]
	counts  *memo[int64, int] // records a whole day serves
	layouts *memo[rangeKey, *layout]
}

func newFeed(cfg ProviderConfig) *feed {
	return &feed{
		cfg:     cfg,
		days:    newMemo[int64, *compactDay](cachedDays),
		counts:  newMemo[int64, int](cachedCounts),
		layouts: newMemo[rangeKey, *layout](cachedLayouts),
	}
}

func (f *feed) day(num int64) *compactDay {
	return f.days.get(num, func() *compactDay { return buildDay(f.cfg, num) })
}

// seconds is the part of the range inside the layout's i-th day.
func (l *layout) seconds(i int) (lo, hi int) {
	return daySeconds(l.keys[i], l.from, l.to)
}

// layout counts what [from, to) serves per day. Whole days are counted by
// replaying their draws; the partial days at either end need their order,
// so they are built (and are usually the next ones served anyway).
func (f *feed) layout(from, to time.Time) *layout {
	return f.layouts.get(keyOf(from, to), func() *layout {
		return newLayout(from, to, dayKeys(from, to), func(_ int, num int64) int {
			lo, hi := daySeconds(num, from, to)
			if lo == 0 && hi == secondsPerDay {
				return f.counts.get(num, func() int { return fullDayCount(f.cfg, num) })
			}
			d := f.day(num)
			oop, rest := d.spans(lo, hi)
			return d.served(oop) + d.served(rest)
		})
	})
}

// records materialises the records at offsets [a, b) of the served list.
func (f *feed) records(l *layout, a, b int) []Transaction {
	out := make([]Transaction, 0, b-a)
	l.each(a, b, func(i, lo, hi int) {
		d := f.day(l.keys[i])
		oop, rest := d.spans(l.seconds(i))
		out = d.appendServed(out, f.cfg, oop, rest, lo, hi)
	})
	return out
}

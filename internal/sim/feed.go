package sim

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

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

// rangeKey identifies a request's [from, to) exactly.
type rangeKey struct {
	from, to     int64
	fromNs, toNs int
}

// layout is how a request's served list splits into days: day first+i
// serves the records at offsets starts[i]..starts[i+1] of the list.
type layout struct {
	from, to time.Time
	first    int64
	starts   []int
}

func (l *layout) total() int { return l.starts[len(l.starts)-1] }

// seconds is the part of the range inside the layout's i-th day.
func (l *layout) seconds(i int) (lo, hi int) {
	return daySeconds(l.first+int64(i), l.from, l.to)
}

// layout counts what [from, to) serves per day. Whole days are counted by
// replaying their draws; the partial days at either end need their order,
// so they are built (and are usually the next ones served anyway).
func (f *feed) layout(from, to time.Time) *layout {
	key := rangeKey{from.Unix(), to.Unix(), from.Nanosecond(), to.Nanosecond()}
	return f.layouts.get(key, func() *layout {
		first, last := dayRange(from, to)
		l := &layout{from: from, to: to, first: first, starts: make([]int, last-first+2)}
		for i := range int(last - first + 1) {
			l.starts[i+1] = l.starts[i] + f.dayCount(l, i)
		}
		return l
	})
}

func (f *feed) dayCount(l *layout, i int) int {
	num := l.first + int64(i)
	lo, hi := l.seconds(i)
	if lo == 0 && hi == secondsPerDay {
		return f.counts.get(num, func() int { return fullDayCount(f.cfg, num) })
	}
	oop, rest := f.day(num).spans(lo, hi)
	return oop.len() + rest.len()
}

// dayAt is the index of the day that serves offset g (g < total).
func (l *layout) dayAt(g int) int {
	return sort.Search(len(l.starts)-1, func(i int) bool { return l.starts[i+1] > g })
}

var errCursorRange = errors.New("cursor does not belong to this range")

// offset turns a cursor into an offset in the served list, checking that
// it names a position the range has.
func (l *layout) offset(c cursor) (int, error) {
	i := c.day - l.first
	if i < 0 || i >= int64(len(l.starts)-1) {
		return 0, fmt.Errorf("day %d: %w", c.day, errCursorRange)
	}
	g := l.starts[i] + c.pos
	if g > l.starts[i+1] || c.resend > g {
		return 0, fmt.Errorf("position %d of day %d: %w", c.pos, c.day, errCursorRange)
	}
	return g, nil
}

// cursorAt is the cursor for offset g, on the day that serves it (the last
// day's end for g == total), so equal offsets always give equal cursors.
func (l *layout) cursorAt(g, resend int) cursor {
	i := len(l.starts) - 2
	if g < l.total() {
		i = l.dayAt(g)
	}
	return cursor{day: l.first + int64(i), pos: g - l.starts[i], resend: resend}
}

// records materialises the records at offsets [a, b) of the served list.
func (f *feed) records(l *layout, a, b int) []Transaction {
	out := make([]Transaction, 0, b-a)
	for i := l.dayAt(a); a < b; i++ {
		end := min(b, l.starts[i+1])
		if a == end {
			continue
		}
		d := f.day(l.first + int64(i))
		oop, rest := d.spans(l.seconds(i))
		out = d.appendServed(out, f.cfg, oop, rest, a-l.starts[i], end-l.starts[i])
		a = end
	}
	return out
}

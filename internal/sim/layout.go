package sim

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// A feed's served list for a request's [from, to) is a run of chunks: the
// part of one day (or one PSP business day) that falls in the range. Each
// chunk knows its own length without materialising a record, so a range
// is laid out cheaply, and a page materialises only its own records. A
// cursor names a chunk by its key and a position in it, so it stays valid
// whatever else the server has served since.

// rangeKey identifies a request's [from, to) exactly.
type rangeKey struct {
	from, to     int64
	fromNs, toNs int
}

func keyOf(from, to time.Time) rangeKey {
	return rangeKey{from.Unix(), to.Unix(), from.Nanosecond(), to.Nanosecond()}
}

// layout is how a request's served list splits into chunks: chunk keys[i]
// serves the records at offsets starts[i]..starts[i+1] of the list.
type layout struct {
	from, to time.Time
	keys     []int64 // ascending
	starts   []int
}

// newLayout lays out the chunks keys of [from, to), count giving each
// chunk's length.
func newLayout(from, to time.Time, keys []int64, count func(i int, key int64) int) *layout {
	l := &layout{from: from, to: to, keys: keys, starts: make([]int, len(keys)+1)}
	for i, k := range keys {
		l.starts[i+1] = l.starts[i] + count(i, k)
	}
	return l
}

func (l *layout) total() int { return l.starts[len(l.starts)-1] }

// chunkAt is the index of the chunk that serves offset g (g < total).
func (l *layout) chunkAt(g int) int {
	return sort.Search(len(l.starts)-1, func(i int) bool { return l.starts[i+1] > g })
}

var errCursorRange = errors.New("cursor does not belong to this range")

// offset turns a cursor into an offset in the served list, checking that
// it names a position the range has.
func (l *layout) offset(c cursor) (int, error) {
	i, found := sort.Find(len(l.keys), func(i int) int { return cmpInt64(c.day, l.keys[i]) })
	if !found {
		return 0, fmt.Errorf("chunk %d: %w", c.day, errCursorRange)
	}
	g := l.starts[i] + c.pos
	if g > l.starts[i+1] || c.resend > g {
		return 0, fmt.Errorf("position %d of chunk %d: %w", c.pos, c.day, errCursorRange)
	}
	return g, nil
}

// cursorAt is the cursor for offset g, in the chunk that serves it (the
// last chunk's end for g == total), so equal offsets always give equal
// cursors.
func (l *layout) cursorAt(g, resend int) cursor {
	i := len(l.starts) - 2
	if g < l.total() {
		i = l.chunkAt(g)
	}
	return cursor{day: l.keys[i], pos: g - l.starts[i], resend: resend}
}

// each calls fn for every chunk holding offsets of [a, b), with the part
// of the chunk they cover.
func (l *layout) each(a, b int, fn func(i int, lo, hi int)) {
	for i := l.chunkAt(a); a < b; i++ {
		end := min(b, l.starts[i+1])
		if a < end {
			fn(i, a-l.starts[i], end-l.starts[i])
		}
		a = end
	}
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// dayKeys are the UTC days [from, to) touches.
func dayKeys(from, to time.Time) []int64 {
	first, last := dayRange(from, to)
	keys := make([]int64, 0, last-first+1)
	for d := first; d <= last; d++ {
		keys = append(keys, d)
	}
	return keys
}

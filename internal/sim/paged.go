package sim

import (
	"fmt"
	"net/http"
	"sort"
	"time"
)

// chunk is one chunk's records in served order, by booking second: each
// record's second (ascending) and a ref telling the feed that built the
// chunk what the record is. Records are materialised from refs only for
// the page being served.
type chunk struct {
	secs []int32
	refs []uint64
}

// sortChunk orders records by booking second with a stable counting sort,
// so records of one second keep the order they were generated in.
func sortChunk(secs []int32, refs []uint64) *chunk {
	var count [secondsPerDay + 1]int32
	for _, s := range secs {
		count[s+1]++
	}
	for s := 1; s <= secondsPerDay; s++ {
		count[s] += count[s-1]
	}
	c := &chunk{secs: make([]int32, len(secs)), refs: make([]uint64, len(refs))}
	for i, s := range secs {
		at := count[s]
		count[s]++
		c.secs[at], c.refs[at] = s, refs[i]
	}
	return c
}

// part is the positions of records booked in seconds [lo, hi).
func (c *chunk) part(lo, hi int) span {
	first := func(sec int) int { return sort.Search(len(c.secs), func(i int) bool { return int(c.secs[i]) >= sec }) }
	return span{first(lo), first(hi)}
}

// chunker is a feed served in chunks.
type chunker[T any] interface {
	// keys are the chunks that may hold records of [from, to), ascending.
	keys(from, to time.Time) []int64
	// part is chunk key and the positions of its records in [from, to).
	part(key int64, from, to time.Time) (*chunk, span)
	// record materialises the chunk's record at position i.
	record(key int64, c *chunk, i int) T
}

// pagedFeed serves a chunker's records in cursor-paged pages.
type pagedFeed[T any] struct {
	src     chunker[T]
	layouts *memo[rangeKey, *layout]
}

func newPagedFeed[T any](src chunker[T]) *pagedFeed[T] {
	return &pagedFeed[T]{src: src, layouts: newMemo[rangeKey, *layout](cachedLayouts)}
}

// pageOf is a page of any feed: the envelope every partner answers with.
type pageOf[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor"`
	Total      int    `json:"total"`
}

func (f *pagedFeed[T]) layout(from, to time.Time) *layout {
	return f.layouts.get(keyOf(from, to), func() *layout {
		return newLayout(from, to, f.src.keys(from, to), func(_ int, key int64) int {
			_, s := f.src.part(key, from, to)
			return s.len()
		})
	})
}

// page serves the page req asks for; an error is the client's (a 400).
func (f *pagedFeed[T]) page(req pageRequest) (pageOf[T], error) {
	lay := f.layout(req.from, req.to)
	at := 0
	if req.resumed {
		g, err := lay.offset(req.cursor)
		if err != nil || req.cursor.resend != 0 {
			return pageOf[T]{}, fmt.Errorf("cursor: %w", errCursorRange)
		}
		at = g
	}
	end := min(at+req.limit, lay.total())
	p := pageOf[T]{Data: make([]T, 0, end-at), Total: lay.total()}
	lay.each(at, end, func(i, lo, hi int) {
		c, s := f.src.part(lay.keys[i], req.from, req.to)
		for pos := s.lo + lo; pos < s.lo+hi; pos++ {
			p.Data = append(p.Data, f.src.record(lay.keys[i], c, pos))
		}
	})
	if end < lay.total() {
		p.NextCursor = encodeCursor(lay.cursorAt(end, 0))
	}
	return p, nil
}

// each calls fn with every record of [from, to) in served order, for
// summaries and answer keys.
func (f *pagedFeed[T]) each(from, to time.Time, fn func(T)) {
	for _, key := range f.src.keys(from, to) {
		c, s := f.src.part(key, from, to)
		for pos := s.lo; pos < s.hi; pos++ {
			fn(f.src.record(key, c, pos))
		}
	}
}

// handler serves the feed's pages to clients bearing token.
func (f *pagedFeed[T]) handler(token string, defLimit int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !authorized(r, token) {
			writeError(w, http.StatusUnauthorized, "missing or invalid bearer token")
			return
		}
		req, err := parsePageRequest(r.URL.Query(), defLimit)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		p, err := f.page(req)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, p)
	}
}

func authorized(r *http.Request, token string) bool {
	return token == "" || r.Header.Get("Authorization") == "Bearer "+token
}

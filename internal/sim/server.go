package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"
)

// ProviderServer serves GET /v1/transactions with cursor pagination and the
// configured faults, and the feed's control totals at
// GET /v1/transactions/summary (see summary.go): the records GenerateTransactions returns, in the same
// order, produced page by page from compact days rather than from a
// materialised period. It is safe for concurrent use.
//
// Query: from and to (RFC3339, from < to), limit (default the config's
// PageSize, at most 5000) and cursor (empty for the first page, then the
// previous page's next_cursor). A response is
//
//	{"data": [...], "next_cursor": "...", "total": N}
//
// where next_cursor is empty on the last page and total is the number of
// records the range holds (see page). Cursors are opaque; one the server
// did not issue for this range is a 400.
type ProviderServer struct {
	cfg  ProviderConfig
	mux  *http.ServeMux
	feed *feed

	requests atomic.Int64 // every request, counted before faults
	pages    atomic.Int64 // 200 responses
	faults   atomic.Int64 // injected 429/500/503
	dupDone  atomic.Bool  // the DuplicatePage fault fires once per server
}

// Stats counts what the server did, for asserting retries and pagination.
type Stats struct {
	Requests int64 // all requests to the endpoint
	Pages    int64 // successful pages served
	Faults   int64 // injected fault responses (429, 500, 503)
}

// page is the response envelope. Total is the number of records the feed
// holds for the request's [from, to), invalid ones included and the
// DuplicatePage re-send excluded; it is the same on every page of a range.
type page struct {
	Data       []Transaction `json:"data"`
	NextCursor string        `json:"next_cursor"`
	Total      int           `json:"total"`
}

// NewProviderServer returns the simulated feed. The concrete type is returned
// so tests can read Stats; it is an http.Handler.
func NewProviderServer(cfg ProviderConfig) *ProviderServer {
	cfg = cfg.normalized()
	return newProviderServer(cfg, newFeed(cfg))
}

// newProviderServer serves f, whose days a world shares with its wallet.
func newProviderServer(cfg ProviderConfig, f *feed) *ProviderServer {
	s := &ProviderServer{cfg: cfg, mux: http.NewServeMux(), feed: f}
	s.mux.HandleFunc("GET "+PathTransactions, s.transactions)
	s.mux.Handle("GET "+PathTransactions+SummarySuffix, summaryHandler(cfg.Token, f.summary))
	return s
}

func (s *ProviderServer) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Stats returns a snapshot of the counters.
func (s *ProviderServer) Stats() Stats {
	return Stats{Requests: s.requests.Load(), Pages: s.pages.Load(), Faults: s.faults.Load()}
}

func (s *ProviderServer) transactions(w http.ResponseWriter, r *http.Request) {
	n := s.requests.Add(1)
	if s.cfg.Token != "" && r.Header.Get("Authorization") != "Bearer "+s.cfg.Token {
		writeError(w, http.StatusUnauthorized, "missing or invalid bearer token")
		return
	}
	req, err := parsePageRequest(r.URL.Query(), s.cfg.PageSize)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if s.injectFault(w, n) {
		return
	}
	if d := s.cfg.Faults.PageDelay; d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return // client gone; nothing useful to write
		case <-t.C:
		}
	}

	lay := s.feed.layout(req.from, req.to)
	at := 0
	if req.resumed {
		if at, err = lay.offset(req.cursor); err != nil {
			writeError(w, http.StatusBadRequest, "cursor: "+err.Error())
			return
		}
	}
	resp := s.servePage(lay, at, req.cursor.resend, req.limit)
	s.pages.Add(1)
	writeJSON(w, http.StatusOK, resp)
}

// pageRequest is a parsed GET /v1/transactions query.
type pageRequest struct {
	from, to time.Time
	limit    int
	cursor   cursor
	resumed  bool // a cursor was sent; otherwise the range starts over
}

// parsePageRequest checks the query; every error is the client's (a 400).
func parsePageRequest(q url.Values, defLimit int) (pageRequest, error) {
	var req pageRequest
	var err error
	if req.from, err = parseTime(q.Get("from")); err != nil {
		return req, fmt.Errorf("from: %w", err)
	}
	if req.to, err = parseTime(q.Get("to")); err != nil {
		return req, fmt.Errorf("to: %w", err)
	}
	if !req.from.Before(req.to) {
		return req, errors.New("from must be before to")
	}
	if req.limit, err = parseLimit(q.Get("limit"), defLimit); err != nil {
		return req, fmt.Errorf("limit: %w", err)
	}
	if req.cursor, req.resumed, err = decodeCursor(q.Get("cursor")); err != nil {
		return req, fmt.Errorf("cursor: %w", err)
	}
	return req, nil
}

// servePage serves up to limit records from offset at. A cursor asking for a
// re-send gets the records it names again, then points on from where the
// duplicated page ended.
func (s *ProviderServer) servePage(lay *layout, at, resend, limit int) page {
	total := lay.total()
	if resend > 0 {
		p := page{Data: s.feed.records(lay, at-resend, at-resend+min(limit, resend)), Total: total}
		if at < total {
			p.NextCursor = encodeCursor(lay.cursorAt(at, 0))
		}
		return p
	}
	end := min(at+limit, total)
	p := page{Data: s.feed.records(lay, at, end), Total: total}
	if end < total {
		p.NextCursor = encodeCursor(lay.cursorAt(end, 0))
	}
	if k := s.cfg.Faults.DuplicatePage; k > 0 && at == k*limit && end > at && s.dupDone.CompareAndSwap(false, true) {
		p.NextCursor = encodeCursor(lay.cursorAt(end, end-at))
	}
	return p
}

// injectFault answers request n with a fault if one is due. Faults come after
// auth and parameter checks so a bad request stays a permanent 4xx.
func (s *ProviderServer) injectFault(w http.ResponseWriter, n int64) bool {
	f := s.cfg.Faults
	switch {
	case f.FailFirst > 0 && n <= int64(f.FailFirst):
		s.faults.Add(1)
		writeError(w, http.StatusServiceUnavailable, "injected: service unavailable")
	case f.FailEveryN > 0 && n%int64(f.FailEveryN) == 0:
		s.faults.Add(1)
		writeError(w, http.StatusInternalServerError, "injected: internal error")
	case f.RateLimitEvery > 0 && n%int64(f.RateLimitEvery) == 0:
		s.faults.Add(1)
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "injected: rate limited")
	default:
		return false
	}
	return true
}

func parseTime(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, fmt.Errorf("required")
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("want RFC3339: %w", err)
	}
	return t.UTC(), nil
}

func parseLimit(v string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("want a positive integer, got %q", v)
	}
	return min(n, maxPageSize), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client sees a truncated body; nothing else to do
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

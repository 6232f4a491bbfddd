package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ProviderServer serves GET /v1/transactions over GenerateTransactions with
// cursor pagination and the configured faults. It is safe for concurrent use.
type ProviderServer struct {
	cfg ProviderConfig
	mux *http.ServeMux

	requests atomic.Int64 // every request, counted before faults
	pages    atomic.Int64 // 200 responses
	faults   atomic.Int64 // injected 429/500/503
	dupDone  atomic.Bool  // the DuplicatePage fault fires once per server

	// Paging re-requests the same period many times; keep the last one.
	mu         sync.Mutex
	cacheKey   string
	cacheValue []Transaction
}

// Stats counts what the server did, for asserting retries and pagination.
type Stats struct {
	Requests int64 // all requests to the endpoint
	Pages    int64 // successful pages served
	Faults   int64 // injected fault responses (429, 500, 503)
}

type page struct {
	Data       []Transaction `json:"data"`
	NextCursor string        `json:"next_cursor"`
}

// NewProviderServer returns the simulated feed. The concrete type is returned
// so tests can read Stats; it is an http.Handler.
func NewProviderServer(cfg ProviderConfig) *ProviderServer {
	s := &ProviderServer{cfg: cfg.normalized(), mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /v1/transactions", s.transactions)
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
	q := r.URL.Query()
	from, err := parseTime(q.Get("from"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "from: "+err.Error())
		return
	}
	to, err := parseTime(q.Get("to"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "to: "+err.Error())
		return
	}
	if !from.Before(to) {
		writeError(w, http.StatusBadRequest, "from must be before to")
		return
	}
	limit, err := parseLimit(q.Get("limit"), s.cfg.PageSize)
	if err != nil {
		writeError(w, http.StatusBadRequest, "limit: "+err.Error())
		return
	}
	offset, err := decodeCursor(q.Get("cursor"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "cursor: "+err.Error())
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

	all := s.generate(from, to)
	if offset > len(all) {
		writeError(w, http.StatusBadRequest, "cursor: offset beyond end of result")
		return
	}
	end := min(offset+limit, len(all))
	resp := page{Data: all[offset:end]}
	if resp.Data == nil {
		resp.Data = []Transaction{}
	}
	if end < len(all) {
		resp.NextCursor = encodeCursor(end)
	}
	if k := s.cfg.Faults.DuplicatePage; k > 0 && offset == k*limit && s.dupDone.CompareAndSwap(false, true) {
		resp.NextCursor = encodeCursor(offset)
	}
	s.pages.Add(1)
	writeJSON(w, http.StatusOK, resp)
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

func (s *ProviderServer) generate(from, to time.Time) []Transaction {
	key := from.Format(time.RFC3339Nano) + "|" + to.Format(time.RFC3339Nano)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cacheKey != key {
		s.cacheKey, s.cacheValue = key, GenerateTransactions(s.cfg, from, to)
	}
	return s.cacheValue
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

// Cursors are opaque to clients; the "o:" prefix lets us reject garbage.
func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, fmt.Errorf("malformed: %w", err)
	}
	raw, ok := strings.CutPrefix(string(b), "o:")
	n, err := strconv.Atoi(raw)
	if !ok || err != nil || n < 0 {
		return 0, fmt.Errorf("malformed")
	}
	return n, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client sees a truncated body; nothing else to do
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

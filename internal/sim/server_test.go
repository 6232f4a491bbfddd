package sim

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"
)

type fetched struct {
	status     int
	retryAfter string
	body       page
}

func get(t *testing.T, srv *httptest.Server, token string, q url.Values) fetched {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/v1/transactions?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	f := fetched{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After")}
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&f.body); err != nil {
			t.Fatalf("decode page: %v", err)
		}
	}
	return f
}

func period(from, to time.Time, limit int, cursor string) url.Values {
	q := url.Values{"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}, "cursor": {cursor}}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return q
}

func drain(t *testing.T, srv *httptest.Server, token string, from, to time.Time, limit int) []Transaction {
	t.Helper()
	var all []Transaction
	cursor := ""
	for i := 0; ; i++ {
		f := get(t, srv, token, period(from, to, limit, cursor))
		if f.status != http.StatusOK {
			t.Fatalf("page %d: status %d", i, f.status)
		}
		all = append(all, f.body.Data...)
		if cursor = f.body.NextCursor; cursor == "" {
			return all
		}
	}
}

func TestServerPaginatesFullFeed(t *testing.T) {
	cfg := DefaultProviderConfig()
	cfg.Faults.InvalidEvery = 7
	ps := NewProviderServer(cfg)
	srv := httptest.NewServer(ps)
	defer srv.Close()
	to := day0.Add(24 * time.Hour)
	got := drain(t, srv, cfg.Token, day0, to, 700)
	want := GenerateTransactions(cfg, day0, to)
	// JSON round trip keeps instants, not *time.Location pointers; compare via JSON.
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Fatalf("paginated feed differs: got %d records, want %d", len(got), len(want))
	}
	if st := ps.Stats(); st.Pages != int64((len(want)+699)/700) || st.Requests != st.Pages {
		t.Errorf("stats = %+v for %d records", st, len(want))
	}
}

func TestServerAuthAndParams(t *testing.T) {
	cfg := DefaultProviderConfig()
	srv := httptest.NewServer(NewProviderServer(cfg))
	defer srv.Close()
	to := day0.Add(time.Hour)
	for name, tc := range map[string]struct {
		token string
		q     url.Values
		want  int
	}{
		"no token":      {"", period(day0, to, 0, ""), http.StatusUnauthorized},
		"wrong token":   {"nope", period(day0, to, 0, ""), http.StatusUnauthorized},
		"missing from":  {cfg.Token, url.Values{"to": {to.Format(time.RFC3339)}}, http.StatusBadRequest},
		"reversed":      {cfg.Token, period(to, day0, 0, ""), http.StatusBadRequest},
		"bad limit":     {cfg.Token, url.Values{"from": {day0.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}, "limit": {"x"}}, http.StatusBadRequest},
		"bad cursor":    {cfg.Token, period(day0, to, 0, "%%%"), http.StatusBadRequest},
		"default limit": {cfg.Token, period(day0, day0.Add(24*time.Hour), 0, ""), http.StatusOK},
	} {
		if f := get(t, srv, tc.token, tc.q); f.status != tc.want {
			t.Errorf("%s: status %d, want %d", name, f.status, tc.want)
		} else if name == "default limit" && len(f.body.Data) != defaultPageSize {
			t.Errorf("default limit served %d records", len(f.body.Data))
		}
	}
}

func TestServerFaults(t *testing.T) {
	cfg := DefaultProviderConfig()
	cfg.Faults = Faults{FailFirst: 2, FailEveryN: 5, RateLimitEvery: 7}
	ps := NewProviderServer(cfg)
	srv := httptest.NewServer(ps)
	defer srv.Close()
	q := period(day0, day0.Add(time.Hour), 10, "")
	var statuses []int
	for range 10 {
		f := get(t, srv, cfg.Token, q)
		statuses = append(statuses, f.status)
		if f.status == http.StatusTooManyRequests && f.retryAfter != "1" {
			t.Errorf("429 without Retry-After: 1")
		}
	}
	want := []int{503, 503, 200, 200, 500, 200, 429, 200, 200, 500}
	if !reflect.DeepEqual(statuses, want) {
		t.Errorf("statuses = %v, want %v", statuses, want)
	}
	if st := ps.Stats(); st.Requests != 10 || st.Faults != 5 || st.Pages != 5 {
		t.Errorf("stats = %+v", st)
	}
}

func TestServerDuplicatePage(t *testing.T) {
	cfg := DefaultProviderConfig()
	cfg.Faults.DuplicatePage = 2
	srv := httptest.NewServer(NewProviderServer(cfg))
	defer srv.Close()
	to := day0.Add(24 * time.Hour)
	got := drain(t, srv, cfg.Token, day0, to, 100)
	want := GenerateTransactions(cfg, day0, to)
	if len(got) != len(want)+100 {
		t.Fatalf("got %d records, want %d (+100 duplicated)", len(got), len(want))
	}
	if !reflect.DeepEqual(ids(got[200:300]), ids(got[300:400])) {
		t.Error("page 2 was not served twice in a row")
	}
	if !reflect.DeepEqual(ids(append(got[:300:300], got[400:]...)), ids(want)) {
		t.Error("removing the duplicate does not give the feed back")
	}
}

func ids(txs []Transaction) []string {
	out := make([]string, len(txs))
	for i, tx := range txs {
		out[i] = tx.TransactionID
	}
	return out
}

func TestServerPageDelayHonoursCancel(t *testing.T) {
	cfg := DefaultProviderConfig()
	cfg.Faults.PageDelay = time.Minute
	srv := httptest.NewServer(NewProviderServer(cfg))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet,
		srv.URL+"/v1/transactions?"+period(day0, day0.Add(time.Hour), 0, "").Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+cfg.Token)
	start := time.Now()
	if _, err := srv.Client().Do(req); err == nil {
		t.Fatal("expected the request to be cancelled")
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("cancel did not cut the delay short")
	}
}

func TestServerConcurrentCounters(t *testing.T) {
	cfg := DefaultProviderConfig()
	cfg.Faults.FailEveryN = 4
	ps := NewProviderServer(cfg)
	srv := httptest.NewServer(ps)
	defer srv.Close()
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			// No t.Fatal off the test goroutine: only the counters matter here.
			req, _ := http.NewRequest(http.MethodGet,
				srv.URL+"/v1/transactions?"+period(day0, day0.Add(time.Hour), 50, "").Encode(), nil)
			req.Header.Set("Authorization", "Bearer "+cfg.Token)
			if resp, err := srv.Client().Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if st := ps.Stats(); st.Requests != 40 || st.Faults != 10 || st.Pages != 30 {
		t.Errorf("stats = %+v", st)
	}
}

func TestListenAndServeShutsDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, NewProviderServer(DefaultProviderConfig())) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/v1/transactions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}

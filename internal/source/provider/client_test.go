package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/sim"
)

var (
	day0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	day1 = day0.Add(24 * time.Hour)
)

func newFeed(t *testing.T, cfg sim.ProviderConfig) (*Client, *sim.ProviderServer) {
	t.Helper()
	ps := sim.NewProviderServer(cfg)
	srv := httptest.NewServer(ps)
	t.Cleanup(srv.Close)
	return &Client{BaseURL: srv.URL, Token: cfg.Token, HTTP: srv.Client(), PageSize: 300}, ps
}

// fetchAll pages to the end; the test-only stand-in for the caller's loop.
func fetchAll(t *testing.T, c *Client, from, to time.Time) ([]Record, []Reject) {
	t.Helper()
	var recs []Record
	var rejs []Reject
	cursor := ""
	for range 1000 {
		p, err := c.FetchPage(context.Background(), from, to, cursor)
		if err != nil {
			t.Fatalf("FetchPage: %v", err)
		}
		recs, rejs = append(recs, p.Records...), append(rejs, p.Rejects...)
		if cursor = p.NextCursor; cursor == "" {
			return recs, rejs
		}
	}
	t.Fatal("pagination did not end")
	return nil, nil
}

func fromSim(tx sim.Transaction) Record {
	r := Record{
		TransactionID: tx.TransactionID, RoundID: tx.RoundID, PlayerID: tx.PlayerID,
		GameCode: tx.GameCode, Type: tx.Type, Currency: tx.Currency,
		RefTransactionID: tx.RefTransactionID, Amount: tx.Amount, Timestamp: tx.Timestamp,
	}
	r.Hash = Hash(r)
	return r
}

func fromSimAll(txs []sim.Transaction) []Record {
	out := make([]Record, len(txs))
	for i, tx := range txs {
		out[i] = fromSim(tx)
	}
	return out
}

func TestFetchFullPagination(t *testing.T) {
	cfg := sim.DefaultProviderConfig()
	c, ps := newFeed(t, cfg)
	recs, rejs := fetchAll(t, c, day0, day1)
	want := fromSimAll(sim.GenerateTransactions(cfg, day0, day1))
	if len(rejs) != 0 || !reflect.DeepEqual(recs, want) {
		t.Fatalf("got %d records / %d rejects, want %d records", len(recs), len(rejs), len(want))
	}
	if st := ps.Stats(); st.Pages != int64((len(want)+299)/300) {
		t.Errorf("pages = %d for %d records", st.Pages, len(want))
	}
}

func TestFetchInjectedInvalidRecords(t *testing.T) {
	cfg := sim.DefaultProviderConfig()
	cfg.Faults.InvalidEvery = 9
	c, _ := newFeed(t, cfg)
	recs, rejs := fetchAll(t, c, day0, day1)
	// Only the format faults are rejected here; the rest pass to stage 2.
	wantReasons := map[string]int{}
	for _, b := range sim.InjectedInvalid(cfg, day0, day1) {
		switch b.Kind {
		case sim.InvalidMissingID:
			wantReasons[ReasonMissingID]++
		case sim.InvalidType:
			wantReasons[ReasonBadType]++
		}
	}
	var want []sim.Transaction
	for _, tx := range sim.GenerateTransactions(cfg, day0, day1) {
		if tx.TransactionID != "" && tx.Type != "bonus" {
			want = append(want, tx)
		}
	}
	gotReasons := map[string]int{}
	for _, r := range rejs {
		gotReasons[r.Reason]++
	}
	if !reflect.DeepEqual(gotReasons, wantReasons) || wantReasons[ReasonMissingID] == 0 {
		t.Errorf("reject reasons = %v, want %v", gotReasons, wantReasons)
	}
	if !reflect.DeepEqual(recs, fromSimAll(want)) {
		t.Errorf("got %d records, want %d", len(recs), len(want))
	}
}

func TestFetchDuplicatePageIsNotHidden(t *testing.T) {
	cfg := sim.DefaultProviderConfig()
	cfg.Faults.DuplicatePage = 1
	c, _ := newFeed(t, cfg)
	recs, _ := fetchAll(t, c, day0, day1)
	want := fromSimAll(sim.GenerateTransactions(cfg, day0, day1))
	if len(recs) != len(want)+c.PageSize {
		t.Fatalf("got %d records, want %d + one repeated page", len(recs), len(want))
	}
	if !reflect.DeepEqual(recs[300:600], recs[600:900]) {
		t.Error("page 1 not repeated verbatim (same ids and hashes)")
	}
	if !reflect.DeepEqual(append(recs[:600:600], recs[900:]...), want) {
		t.Error("dropping the repeat does not give the feed back")
	}
}

func TestFetchUnauthorized(t *testing.T) {
	c, _ := newFeed(t, sim.DefaultProviderConfig())
	c.Token = "wrong"
	_, err := c.FetchPage(context.Background(), day0, day1, "")
	if !errors.Is(err, ErrUnauthorized) || !IsPermanent(err) {
		t.Fatalf("err = %v, want permanent ErrUnauthorized", err)
	}
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 401 || !strings.Contains(err.Error(), "/v1/transactions") ||
		!strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "bearer token") {
		t.Errorf("error lacks path/status/body: %v", err)
	}
}

func TestFetchTemporaryFaults(t *testing.T) {
	cfg := sim.DefaultProviderConfig()
	cfg.Faults = sim.Faults{FailFirst: 1, RateLimitEvery: 2}
	c, _ := newFeed(t, cfg)
	ctx := context.Background()

	_, err := c.FetchPage(ctx, day0, day1, "")
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 503 || !he.Temporary() || IsPermanent(err) {
		t.Fatalf("first request: err = %v, want temporary 503", err)
	}
	_, err = c.FetchPage(ctx, day0, day1, "")
	if !errors.As(err, &he) || he.Status != 429 || he.RetryAfter != time.Second || IsPermanent(err) {
		t.Fatalf("second request: err = %v, want temporary 429 with Retry-After 1s", err)
	}
	if _, err = c.FetchPage(ctx, day0, day1, ""); err != nil {
		t.Fatalf("third request: %v", err)
	}
}

func TestFetchPermanentErrors(t *testing.T) {
	c, _ := newFeed(t, sim.DefaultProviderConfig())
	ctx := context.Background()
	_, err := c.FetchPage(ctx, day0, day1, "not-a-cursor!")
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 400 || !IsPermanent(err) {
		t.Errorf("bad cursor: err = %v, want permanent 400", err)
	}
	if _, err := c.FetchPage(ctx, day1, day0, ""); !errors.Is(err, ErrInvalidRequest) || !IsPermanent(err) {
		t.Errorf("reversed period: err = %v", err)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data": {"oops": 1}}`))
	}))
	defer srv.Close()
	c = &Client{BaseURL: srv.URL, HTTP: srv.Client()}
	if _, err := c.FetchPage(ctx, day0, day1, ""); !errors.Is(err, ErrMalformedResponse) || !IsPermanent(err) {
		t.Errorf("malformed envelope: err = %v", err)
	}
}

func TestFetchNetworkErrorIsTemporary(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c := &Client{BaseURL: url, HTTP: &http.Client{Timeout: 2 * time.Second}}
	_, err := c.FetchPage(context.Background(), day0, day1, "")
	if err == nil || IsPermanent(err) || !strings.Contains(err.Error(), "/v1/transactions") {
		t.Fatalf("err = %v, want temporary network error naming the path", err)
	}
}

func TestIsPermanentClassification(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("dial tcp: connection refused"), false},
		{context.DeadlineExceeded, false},
		{&HTTPError{Status: 400}, true},
		{&HTTPError{Status: 403}, true},
		{&HTTPError{Status: 404}, true},
		{&HTTPError{Status: 429}, false},
		{&HTTPError{Status: 500}, false},
		{&HTTPError{Status: 502}, false},
		{ErrUnauthorized, true},
		{ErrMalformedResponse, true},
	} {
		if got := IsPermanent(tc.err); got != tc.want {
			t.Errorf("IsPermanent(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		"soon":                          0,
		"Sun, 01 Nov 2026 00:00:10 GMT": 10 * time.Second,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

package feed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/source"
)

var (
	day0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	day1 = day0.Add(24 * time.Hour)
	req0 = source.PageRequest{From: day0, To: day1}
)

// server serves answer for each request, numbered from 1.
func server(t *testing.T, answer func(n int64, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answer(n.Add(1), w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func client(srv *httptest.Server) *Client {
	return &Client{BaseURL: srv.URL, Path: "/v1/transactions", Token: "tok", HTTP: srv.Client()}
}

const okBody = `{"data":[{"a":1},{"b":2}],"next_cursor":"c2","total":7}`

func ok(w http.ResponseWriter) { w.Write([]byte(okBody)) }

func TestFetchRequestAndPage(t *testing.T) {
	var got *http.Request
	srv, _ := server(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		got = r
		ok(w)
	})
	c := client(srv)
	c.BaseURL, c.PageSize = srv.URL+"/api/?key=k", 300
	kst := time.FixedZone("KST", 9*3600)
	page, err := c.Fetch(context.Background(), source.PageRequest{From: day0.In(kst), To: day1.In(kst), Cursor: "a+b/=c"})
	if err != nil {
		t.Fatal(err)
	}
	q := got.URL.Query()
	if got.URL.Path != "/api/v1/transactions" || q.Get("from") != "2026-11-01T00:00:00Z" || q.Get("to") != "2026-11-02T00:00:00Z" ||
		q.Get("limit") != "300" || q.Get("cursor") != "a+b/=c" || q.Get("key") != "k" {
		t.Errorf("request URL = %s", got.URL)
	}
	if got.Header.Get("Authorization") != "Bearer tok" || got.Header.Get("Accept") != "application/json" {
		t.Errorf("headers = %v", got.Header)
	}
	if len(page.Elements) != 2 || string(page.Elements[1]) != `{"b":2}` || page.NextCursor != "c2" ||
		page.Total != 7 || page.Bytes != len(okBody) || page.Attempts != 1 {
		t.Errorf("page = %+v", page)
	}
}

func TestFetchFirstPageSendsNoCursorOrLimit(t *testing.T) {
	var query string
	srv, _ := server(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		ok(w)
	})
	if _, err := client(srv).Fetch(context.Background(), req0); err != nil {
		t.Fatal(err)
	}
	if query != "from=2026-11-01T00%3A00%3A00Z&to=2026-11-02T00%3A00%3A00Z" {
		t.Errorf("query = %s", query)
	}
}

func TestFetchInvalidRequest(t *testing.T) {
	srv, n := server(t, func(_ int64, w http.ResponseWriter, _ *http.Request) { ok(w) })
	for name, tc := range map[string]struct {
		base string
		req  source.PageRequest
	}{
		"empty period":    {srv.URL, source.PageRequest{From: day0, To: day0}},
		"reversed period": {srv.URL, source.PageRequest{From: day1, To: day0}},
		"no base":         {"", req0},
		"no scheme":       {"feed.example.com", req0},
		"ftp":             {"ftp://feed.example.com", req0},
		"no host":         {"http://", req0},
	} {
		c := client(srv)
		c.BaseURL, c.Retry = tc.base, &RetryPolicy{Attempts: 3}
		_, err := c.Fetch(context.Background(), tc.req)
		if !errors.Is(err, ErrInvalidRequest) || !IsPermanent(err) {
			t.Errorf("%s: err = %v, want permanent ErrInvalidRequest", name, err)
		}
		if name != "empty period" && name != "reversed period" && c.Validate() == nil {
			t.Errorf("%s: Validate passes", name)
		}
	}
	if n.Load() != 0 {
		t.Errorf("%d requests sent", n.Load())
	}
}

func TestFetchMalformedEnvelopeIsPermanent(t *testing.T) {
	srv, n := server(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"data": {"oops": 1}}`))
	})
	c := client(srv)
	c.Retry = &RetryPolicy{Attempts: 3}
	_, err := c.Fetch(context.Background(), source.PageRequest{From: day0, To: day1, Cursor: "c9"})
	if !errors.Is(err, ErrMalformedResponse) || !IsPermanent(err) || n.Load() != 1 {
		t.Fatalf("err = %v after %d requests, want one permanent ErrMalformedResponse", err, n.Load())
	}
	for _, want := range []string{"/v1/transactions", `cursor "c9"`, "want an array", `{"data": {"oops": 1}}`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestFetchPermanentStatusIsNotRetried(t *testing.T) {
	for status, unauthorized := range map[int]bool{401: true, 403: true, 400: false, 404: false} {
		srv, n := server(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
			http.Error(w, `{"error":"missing or invalid bearer token"}`, status)
		})
		c := client(srv)
		c.Retry = &RetryPolicy{Attempts: 5}
		_, err := c.Fetch(context.Background(), req0)
		var he *HTTPError
		if !errors.As(err, &he) || he.Status != status || !IsPermanent(err) || errors.Is(err, ErrUnauthorized) != unauthorized {
			t.Errorf("%d: err = %v, want permanent HTTPError", status, err)
		}
		if n.Load() != 1 || !strings.Contains(err.Error(), "bearer token") || !strings.Contains(err.Error(), fmt.Sprint(status)) {
			t.Errorf("%d: %d requests, err = %v", status, n.Load(), err)
		}
	}
}

func TestFetchNetworkErrorIsTemporary(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	c := &Client{BaseURL: srv.URL, Path: "/v1/transactions", HTTP: &http.Client{Timeout: 2 * time.Second}}
	_, err := c.Fetch(context.Background(), source.PageRequest{From: day0, To: day1, Cursor: "c3"})
	t.Log(err)
	if err == nil || IsPermanent(err) || !strings.Contains(err.Error(), `GET /v1/transactions (cursor "c3"): failed connecting`) {
		t.Fatalf("err = %v, want a temporary connect error naming path and cursor", err)
	}
}

func TestHTTPErrorBodySnippet(t *testing.T) {
	srv, _ := server(t, func(n int64, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		if n == 1 {
			w.Write([]byte("bad \xff\x00 gateway"))
		} else {
			w.Write([]byte(strings.Repeat("é", 1000)))
		}
	})
	_, err := client(srv).Fetch(context.Background(), req0)
	if !strings.Contains(err.Error(), `"bad \xff\x00 gateway"`) {
		t.Errorf("err = %v, want the body quoted", err)
	}
	_, err = client(srv).Fetch(context.Background(), req0)
	var he *HTTPError
	if !errors.As(err, &he) || !strings.HasSuffix(he.Body, "é…") || len(he.Body) > snippetLen+len("…") {
		t.Errorf("body = %q, want cut at a character boundary", he.Body)
	}
}

package feed

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/source"
)

func TestSlowHeadersTimeOut(t *testing.T) {
	srv, _ := server(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := client(srv)
	c.HTTP = NewHTTPClient(Timeouts{Connect: time.Second, ResponseHeader: 200 * time.Millisecond, Request: 5 * time.Second})
	start := time.Now()
	_, err := c.Fetch(context.Background(), source.PageRequest{From: day0, To: day1, Cursor: "c7"})
	t.Log(err)
	if took := time.Since(start); took > 2*time.Second || IsPermanent(err) {
		t.Fatalf("err = %v after %s, want a temporary timeout", err, took)
	}
	want := `GET /v1/transactions (cursor "c7"): no response headers within 200ms`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want it to contain %q", err, want)
	}
}

func TestTrickleBodyTimesOut(t *testing.T) {
	srv, _ := server(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte(`{"data":[`))
		for range 100 {
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
			w.Write([]byte(" "))
		}
	})
	c := client(srv)
	c.HTTP = NewHTTPClient(Timeouts{Connect: time.Second, ResponseHeader: time.Second, Request: 600 * time.Millisecond})
	start := time.Now()
	_, err := c.Fetch(context.Background(), source.PageRequest{From: day0, To: day1, Cursor: "c8"})
	t.Log(err)
	if took := time.Since(start); took > 2*time.Second || IsPermanent(err) {
		t.Fatalf("err = %v after %s, want a temporary timeout", err, took)
	}
	for _, want := range []string{`GET /v1/transactions (cursor "c8")`, "timed out reading the response body after", "bytes received"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to contain %q", err, want)
		}
	}
}

func TestTLSHandshakeTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accepts, then never says a word
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	c := &Client{BaseURL: "https://" + ln.Addr().String(), Path: "/v1/transactions",
		HTTP: NewHTTPClient(Timeouts{Connect: time.Second, TLSHandshake: 200 * time.Millisecond, Request: 5 * time.Second})}
	_, err = c.Fetch(context.Background(), req0)
	t.Log(err)
	if err == nil || IsPermanent(err) || !strings.Contains(err.Error(), `GET /v1/transactions (cursor ""): TLS handshake timed out after`) {
		t.Fatalf("err = %v, want a temporary TLS handshake timeout", err)
	}
}

func TestOversizedPage(t *testing.T) {
	big := `{"data":[` + strings.Repeat(`{"a":1},`, 700) + `{}]}`
	for name, chunked := range map[string]bool{"with length": false, "chunked": true} {
		srv, n := server(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
			if !chunked {
				w.Header().Set("Content-Length", strconv.Itoa(len(big)))
			}
			w.Write([]byte(big[:10]))
			w.(http.Flusher).Flush() // without a length: chunked
			w.Write([]byte(big[10:]))
		})
		c := client(srv)
		c.MaxBody, c.Retry = 1000, fast()
		_, err := c.Fetch(context.Background(), req0)
		want := "page too large (" + strconv.Itoa(len(big)) + " bytes, limit 1000)"
		if chunked {
			want = "page too large (more than 1000 bytes, limit 1000)"
		}
		if !errors.Is(err, ErrPageTooLarge) || errors.Is(err, ErrMalformedResponse) || !IsPermanent(err) ||
			n.Load() != 1 || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v after %d requests, want permanent %q", name, err, n.Load(), want)
		}
	}
}

func TestPageAtTheLimitIsRead(t *testing.T) {
	srv, _ := server(t, func(_ int64, w http.ResponseWriter, _ *http.Request) { ok(w) })
	c := client(srv)
	c.MaxBody = int64(len(okBody))
	if _, err := c.Fetch(context.Background(), req0); err != nil {
		t.Fatal(err)
	}
}

func TestIsPermanent(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("dial tcp: connection refused"), false},
		{context.DeadlineExceeded, false},
		{context.Canceled, false},
		{&HTTPError{Status: 400}, true},
		{&HTTPError{Status: 401}, true},
		{&HTTPError{Status: 403}, true},
		{&HTTPError{Status: 404}, true},
		{&HTTPError{Status: 429}, false},
		{&HTTPError{Status: 500}, false},
		{&HTTPError{Status: 503}, false},
		{ErrUnauthorized, true},
		{ErrMalformedResponse, true},
		{ErrInvalidRequest, true},
		{&tooLargeError{size: 5, limit: 1}, true},
		{&RetryError{Err: &HTTPError{Status: 503}}, false},
		{&RetryError{Err: &HTTPError{Status: 404}}, true},
		{errors.Join(context.Canceled, &HTTPError{Status: 404}), false},
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
		" 1 ":                           time.Second,
		"-1":                            0,
		"soon":                          0,
		"99999999999":                   0,
		"Sun, 01 Nov 2026 00:00:10 GMT": 10 * time.Second,
		"Sat, 31 Oct 2026 23:59:00 GMT": 0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

package feed

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// fast retries quickly, so tests measure the server's asks, not backoff.
func fast() *RetryPolicy {
	return &RetryPolicy{Attempts: 5, BaseDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond}
}

func TestRetriesThenSuccess(t *testing.T) {
	srv, n := server(t, func(n int64, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 1:
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
		case 2:
			http.Error(w, "oops", http.StatusInternalServerError)
		default:
			ok(w)
		}
	})
	c := client(srv)
	c.Retry = fast()
	page, err := c.Fetch(context.Background(), req0)
	if err != nil || page.Attempts != 3 || n.Load() != 3 || page.NextCursor != "c2" {
		t.Fatalf("page %+v, err %v after %d requests, want success on attempt 3", page, err, n.Load())
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	srv, _ := server(t, func(n int64, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		ok(w)
	})
	c := client(srv)
	c.Retry = fast()
	start := time.Now()
	page, err := c.Fetch(context.Background(), req0)
	if took := time.Since(start); err != nil || page.Attempts != 2 || took < time.Second || took > 3*time.Second {
		t.Fatalf("err %v, %d attempts in %s; want success on attempt 2 after waiting the 1s asked", err, page.Attempts, took)
	}
}

func TestRetryBudgetExhausted(t *testing.T) {
	srv, n := server(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	})
	c := client(srv)
	c.Retry = &RetryPolicy{Budget: 300 * time.Millisecond, BaseDelay: 40 * time.Millisecond, MaxDelay: 80 * time.Millisecond}
	start := time.Now()
	_, err := c.Fetch(context.Background(), req0)
	t.Log(err)
	var re *RetryError
	if !errors.As(err, &re) || IsPermanent(err) || time.Since(start) > time.Second {
		t.Fatalf("err = %v after %s, want a temporary RetryError within the budget", err, time.Since(start))
	}
	if re.Attempts != int(n.Load()) || re.Attempts < 3 {
		t.Errorf("RetryError counts %d attempts, server saw %d", re.Attempts, n.Load())
	}
	for _, want := range []string{"gave up after", "attempts", "would overrun the 300ms retry budget", "last error", "status 503", "/v1/transactions"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestRetryAttemptsExhausted(t *testing.T) {
	srv, n := server(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "oops", http.StatusBadGateway)
	})
	c := client(srv)
	c.Retry = &RetryPolicy{Attempts: 3, BaseDelay: time.Millisecond}
	_, err := c.Fetch(context.Background(), req0)
	var he *HTTPError
	if n.Load() != 3 || !errors.As(err, &he) || he.Status != 502 || !strings.Contains(err.Error(), "gave up after 3 attempts") ||
		!strings.Contains(err.Error(), "all 3 attempts failed") {
		t.Fatalf("err = %v after %d requests", err, n.Load())
	}
}

func TestRetryAfterBeyondBudgetStopsAtOnce(t *testing.T) {
	srv, _ := server(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "30")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})
	c := client(srv)
	c.Retry = &RetryPolicy{Budget: 2 * time.Second, BaseDelay: time.Millisecond}
	start := time.Now()
	_, err := c.Fetch(context.Background(), req0)
	if time.Since(start) > time.Second || !strings.Contains(err.Error(), "Retry-After of 30s would overrun the 2s retry budget") {
		t.Fatalf("err = %v after %s", err, time.Since(start))
	}
}

func TestRetryRespectsContext(t *testing.T) {
	srv, _ := server(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	})
	c := client(srv)
	c.Retry = &RetryPolicy{Attempts: 100, BaseDelay: 100 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 350*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Fetch(ctx, req0)
	t.Log(err)
	if took := time.Since(start); took > 350*time.Millisecond || IsPermanent(err) || !strings.Contains(err.Error(), "context's deadline") {
		t.Fatalf("err = %v after %s, want a temporary stop before the deadline", err, took)
	}

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = c.Fetch(ctx, req0)
	if !errors.Is(err, context.Canceled) || IsPermanent(err) || !strings.Contains(err.Error(), "status 503") {
		t.Fatalf("canceled: err = %v, want context.Canceled and the last error", err)
	}
}

func TestNoPolicyTriesOnce(t *testing.T) {
	srv, n := server(t, func(_ int64, w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	})
	for _, p := range []*RetryPolicy{nil, {}} {
		c := client(srv)
		c.Retry = p
		_, err := c.Fetch(context.Background(), req0)
		var he *HTTPError
		if !errors.As(err, &he) || he.Status != 503 {
			t.Errorf("policy %+v: err = %v", p, err)
		}
	}
	if n.Load() != 2 {
		t.Errorf("%d requests for two fetches", n.Load())
	}
}

func TestDelay(t *testing.T) {
	p := &RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for attempt, full := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 60: time.Second} {
		d := p.delay(attempt, "k", 0)
		if d <= full/2 || d > full {
			t.Errorf("attempt %d: delay %s outside (%s, %s]", attempt, d, full/2, full)
		}
		if d != p.delay(attempt, "k", 0) {
			t.Errorf("attempt %d: delay not reproducible", attempt)
		}
	}
	if p.delay(1, "a", 0) == p.delay(1, "b", 0) && p.delay(2, "a", 0) == p.delay(2, "b", 0) {
		t.Error("jitter does not depend on the request")
	}
	if d := p.delay(1, "k", 5*time.Second); d != 5*time.Second {
		t.Errorf("Retry-After 5s gives delay %s", d)
	}
	if d := (&RetryPolicy{BaseDelay: time.Second}).delay(200, "k", 0); d <= 0 || d > time.Hour {
		t.Errorf("uncapped delay after 200 attempts = %s", d)
	}
}

package provider

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

var (
	// ErrUnauthorized means the feed refused the token; retrying cannot help.
	ErrUnauthorized = errors.New("provider: unauthorized")
	// ErrMalformedResponse means a 200 response whose envelope is not the
	// documented JSON; the same request would return the same bytes.
	ErrMalformedResponse = errors.New("provider: malformed response")
	// ErrInvalidRequest means the caller asked for something the client
	// refuses to send (e.g. an empty period).
	ErrInvalidRequest = errors.New("provider: invalid request")
)

// bodySnippetLen keeps error messages readable when a proxy returns an HTML page.
const bodySnippetLen = 256

// HTTPError is a non-200 answer from the feed.
type HTTPError struct {
	Path       string
	Status     int
	Body       string        // first bodySnippetLen bytes
	RetryAfter time.Duration // from Retry-After, zero when absent
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("provider GET %s: status %d: %s", e.Path, e.Status, e.Body)
}

// Temporary reports whether the same request may succeed later: throttling
// and server faults are, other client errors are not.
func (e *HTTPError) Temporary() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// Unwrap lets errors.Is(err, ErrUnauthorized) work without losing the body.
func (e *HTTPError) Unwrap() error {
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
		return ErrUnauthorized
	}
	return nil
}

// IsPermanent reports whether retrying err is pointless: auth failures, 4xx
// other than 429, malformed envelopes and invalid requests. Network errors,
// 5xx and 429 are temporary. Context cancellation is not permanent; the
// caller's context decides whether to stop.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrMalformedResponse) || errors.Is(err, ErrInvalidRequest) {
		return true
	}
	var he *HTTPError
	if errors.As(err, &he) {
		return !he.Temporary()
	}
	return false
}

// parseRetryAfter accepts both forms RFC 9110 allows: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

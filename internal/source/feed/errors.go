package feed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	// ErrUnauthorized means the feed refused the token (401 or 403);
	// retrying cannot help.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrMalformedResponse means a 200 whose envelope is not the documented
	// JSON; the same request would return the same bytes.
	ErrMalformedResponse = errors.New("malformed response")
	// ErrInvalidRequest means the caller asked for something the client
	// refuses to send, such as an empty period or an unusable base URL.
	ErrInvalidRequest = errors.New("invalid request")
	// ErrPageTooLarge means the body passed the client's limit; the same
	// request would again.
	ErrPageTooLarge = errors.New("page too large")
)

// HTTPError is an answer other than 200.
type HTTPError struct {
	Path   string
	Cursor string
	Status int
	// Body is the start of the response body, quoted where it is not
	// clean text.
	Body string
	// RetryAfter is the wait the server asked for, zero when it did not.
	RetryAfter time.Duration
}

func (e *HTTPError) Error() string {
	s := fmt.Sprintf("GET %s (cursor %q): status %d", e.Path, e.Cursor, e.Status)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (Retry-After %s)", e.RetryAfter)
	}
	return s + ": " + e.Body
}

// Temporary reports whether the same request may succeed later:
// throttling and server faults may, other answers will not.
func (e *HTTPError) Temporary() bool {
	return e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout || e.Status >= 500
}

// Unwrap lets errors.Is(err, ErrUnauthorized) see a refused token.
func (e *HTTPError) Unwrap() error {
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
		return ErrUnauthorized
	}
	return nil
}

// IsPermanent reports whether retrying err is pointless: a refused token,
// a 4xx other than 429, a malformed envelope, an invalid request or a page
// too large. 5xx, 429, timeouts and network errors are temporary, and so
// is an ended context: whether to stop is the context owner's call.
func IsPermanent(err error) bool {
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrMalformedResponse),
		errors.Is(err, ErrInvalidRequest), errors.Is(err, ErrPageTooLarge):
		return true
	}
	var he *HTTPError
	if errors.As(err, &he) {
		return !he.Temporary()
	}
	return false
}

// retryAfter is the wait a failed attempt's server asked for.
func retryAfter(err error) time.Duration {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.RetryAfter
	}
	return 0
}

// parseRetryAfter accepts both forms RFC 9110 allows: delay seconds or an
// HTTP date. Anything else, or a date already past, is no wait.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 32); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// snippetLen keeps messages readable when a proxy answers with a page of
// HTML.
const snippetLen = 256

// snippet shows the start of a body in a message: as it is when it is
// clean text, quoted otherwise, so the message is always valid UTF-8.
func snippet(b []byte) string {
	more := ""
	if len(b) > snippetLen {
		b, more = b[:snippetLen], "…"
		for len(b) > 0 && !utf8.Valid(b) && len(b) > snippetLen-utf8.UTFMax {
			b = b[:len(b)-1] // do not cut a character in two
		}
	}
	if !utf8.Valid(b) || strings.ContainsFunc(string(b), isControl) {
		return strconv.Quote(string(b)) + more
	}
	return string(b) + more
}

func isControl(r rune) bool { return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f }

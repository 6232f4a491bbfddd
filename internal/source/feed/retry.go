package feed

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"
)

// RetryPolicy retries a page's request after temporary failures (5xx,
// 429, timeouts, network errors), so a flaky partner does not fail a pull.
// Permanent errors are returned at once. Retries stop at whichever comes
// first of Attempts, Budget and the context's deadline; a zero Attempts or
// Budget does not limit. With both zero, nothing is retried.
type RetryPolicy struct {
	// Attempts is the most tries of one request, the first included.
	Attempts int
	// Budget bounds the time from the first try to the start of the last,
	// waits included; a try in flight is bounded by the HTTP client's
	// timeouts instead.
	Budget time.Duration
	// BaseDelay is the wait before the second try; each later wait
	// doubles, up to MaxDelay, and is jittered down by up to half.
	BaseDelay time.Duration
	MaxDelay  time.Duration
}

// DefaultRetry rides out a few minutes' worth of hiccups in well under a
// minute, leaving the rest to the caller's own retries.
func DefaultRetry() *RetryPolicy {
	return &RetryPolicy{Attempts: 6, Budget: 45 * time.Second, BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second}
}

// RetryError is returned when retries stop short of a success. It wraps the
// last attempt's error, so IsPermanent and errors.As see through it.
type RetryError struct {
	Attempts int
	Elapsed  time.Duration
	// Stop says why no further attempt was made.
	Stop string
	Err  error
}

func (e *RetryError) Error() string {
	return fmt.Sprintf("gave up after %d attempts in %s (%s); last error: %v",
		e.Attempts, e.Elapsed.Round(time.Millisecond), e.Stop, e.Err)
}

func (e *RetryError) Unwrap() error { return e.Err }

// do runs try until it succeeds, fails permanently or p says stop. key
// seeds the jitter.
func (p *RetryPolicy) do(ctx context.Context, key string, try func(context.Context) (Page, error)) (Page, error) {
	start := time.Now()
	for attempt := 1; ; attempt++ {
		page, err := try(ctx)
		if err == nil {
			page.Attempts = attempt
			return page, nil
		}
		if p == nil || (p.Attempts <= 0 && p.Budget <= 0) || IsPermanent(err) || ctx.Err() != nil {
			return Page{}, err
		}
		wait := p.delay(attempt, key, retryAfter(err))
		if stop := p.stop(ctx, attempt, time.Since(start), wait, retryAfter(err)); stop != "" {
			return Page{}, &RetryError{Attempts: attempt, Elapsed: time.Since(start), Stop: stop, Err: err}
		}
		if werr := sleep(ctx, wait); werr != nil {
			return Page{}, fmt.Errorf("%w while waiting %s to retry after attempt %d: %w", werr, wait.Round(time.Millisecond), attempt, err)
		}
	}
}

// stop returns why no attempt should follow attempt, or "" to go on.
func (p *RetryPolicy) stop(ctx context.Context, attempt int, elapsed, wait, asked time.Duration) string {
	wait = wait.Round(time.Millisecond)
	if p.Attempts > 0 && attempt >= p.Attempts {
		return fmt.Sprintf("all %d attempts failed", p.Attempts)
	}
	if p.Budget > 0 && elapsed+wait > p.Budget {
		if asked > 0 && asked == wait {
			return fmt.Sprintf("waiting the server's Retry-After of %s would overrun the %s retry budget", asked, p.Budget)
		}
		return fmt.Sprintf("waiting %s more would overrun the %s retry budget", wait, p.Budget)
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
		return fmt.Sprintf("the context's deadline is %s away, within the %s wait", time.Until(dl).Round(time.Millisecond), wait)
	}
	return ""
}

// delay is the wait after a failed attempt: exponential backoff with
// jitter, or the server's Retry-After when that is longer. The jitter is a
// hash of the request and the attempt rather than a shared random source:
// reproducible in tests, lock-free, and still spread across sources and
// cursors so workers do not retry in step.
func (p *RetryPolicy) delay(attempt int, key string, asked time.Duration) time.Duration {
	limit := p.MaxDelay
	if limit <= 0 {
		limit = time.Hour // keeps the doubling from overflowing
	}
	d := p.BaseDelay
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	h := fnv.New64a()
	h.Write([]byte(key))
	h.Write(strconv.AppendInt(nil, int64(attempt), 10))
	frac := float64(h.Sum64()>>11) / (1 << 53) // uniform in [0, 1)
	d -= time.Duration(frac * float64(d/2))
	return max(d, asked)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

package feed

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Timeouts bound each step of a request, so a partner that stops
// answering, or answers a byte every few seconds, fails the attempt with
// an error naming the step instead of holding a worker forever.
type Timeouts struct {
	// Connect bounds the TCP connect.
	Connect time.Duration
	// TLSHandshake bounds the TLS handshake.
	TLSHandshake time.Duration
	// ResponseHeader bounds the wait from the request sent to the
	// response's headers, which a feed sends once it has the page ready.
	ResponseHeader time.Duration
	// Request bounds the whole request, body included.
	Request time.Duration
}

// DefaultTimeouts suit a feed serving pages of a few megabytes.
func DefaultTimeouts() Timeouts {
	return Timeouts{Connect: 10 * time.Second, TLSHandshake: 10 * time.Second,
		ResponseHeader: 30 * time.Second, Request: time.Minute}
}

// NewHTTPClient returns a client with the standard transport's settings
// (proxy from the environment, HTTP/2, connection reuse) and t's bounds.
func NewHTTPClient(t Timeouts) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: t.Connect, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = t.TLSHandshake
	tr.ResponseHeaderTimeout = t.ResponseHeader
	return &http.Client{Transport: tr, Timeout: t.Request}
}

// defaultHTTP is shared so that clients without their own reuse
// connections.
var defaultHTTP = sync.OnceValue(func() *http.Client { return NewHTTPClient(DefaultTimeouts()) })

// phase is how far a request got, to say what a failure interrupted.
type phase int32

const (
	phaseConnect phase = iota // resolving and dialling
	phaseTLS                  // TLS handshake
	phaseSend                 // connected, sending the request
	phaseHeaders              // sent, awaiting the response headers
	phaseBody                 // reading the body
)

type trace struct {
	start time.Time
	phase atomic.Int32 // transport goroutines report progress
}

func withTrace(ctx context.Context) (context.Context, *trace) {
	tr := &trace{start: time.Now()}
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		TLSHandshakeStart: func() { tr.phase.Store(int32(phaseTLS)) },
		GotConn:           func(httptrace.GotConnInfo) { tr.phase.Store(int32(phaseSend)) },
		WroteRequest:      func(httptrace.WroteRequestInfo) { tr.phase.Store(int32(phaseHeaders)) },
	}), tr
}

// failed describes a request that failed without an HTTP status: what it
// was doing, and whether it timed out, was stopped by ctx or just failed.
// n is the body bytes read before a failure while reading it.
func (t target) failed(ctx context.Context, hc *http.Client, tr *trace, err error, n int) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its message repeats the whole URL
	}
	p := phase(tr.phase.Load())
	elapsed := time.Since(tr.start).Round(time.Millisecond)
	var ne net.Error
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s: stopped %s after %s: %w", t, p.doing(n), elapsed, err)
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%s: %s: %w", t, p.timedOut(hc, elapsed, n), err)
	}
	return fmt.Errorf("%s: failed %s: %w", t, p.doing(n), err)
}

func (p phase) doing(n int) string {
	switch p {
	case phaseConnect:
		return "connecting"
	case phaseTLS:
		return "in the TLS handshake"
	case phaseSend:
		return "sending the request"
	case phaseHeaders:
		return "waiting for the response headers"
	}
	return fmt.Sprintf("reading the response body (%d bytes in)", n)
}

func (p phase) timedOut(hc *http.Client, elapsed time.Duration, n int) string {
	tr, _ := hc.Transport.(*http.Transport)
	switch p {
	case phaseConnect:
		return fmt.Sprintf("timed out connecting after %s", elapsed)
	case phaseTLS:
		return fmt.Sprintf("TLS handshake timed out after %s", elapsed)
	case phaseSend:
		return fmt.Sprintf("timed out sending the request after %s", elapsed)
	case phaseHeaders:
		limit := hc.Timeout
		if tr != nil && tr.ResponseHeaderTimeout > 0 && (limit <= 0 || tr.ResponseHeaderTimeout < limit) {
			limit = tr.ResponseHeaderTimeout
		}
		if limit <= 0 {
			return fmt.Sprintf("no response headers after %s", elapsed)
		}
		return fmt.Sprintf("no response headers within %s", limit)
	}
	return fmt.Sprintf("timed out reading the response body after %s (%d bytes received)", elapsed, n)
}

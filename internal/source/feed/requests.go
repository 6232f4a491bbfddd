package feed

import (
	"net/http"
	"sync"

	"github.com/settleflow/settleflow/internal/source"
)

// RetryFor maps a source's request policy to a RetryPolicy; the zero
// policy gets DefaultRetry.
func RetryFor(r source.Requests) *RetryPolicy {
	if r == (source.Requests{}) {
		return DefaultRetry()
	}
	return &RetryPolicy{Attempts: r.Attempts, Budget: r.Budget, BaseDelay: r.FirstRetry, MaxDelay: r.MaxRetry}
}

// TimeoutsFor maps a source's request policy to Timeouts; a bound it
// leaves at zero keeps DefaultTimeouts' value.
func TimeoutsFor(r source.Requests) Timeouts {
	t := DefaultTimeouts()
	if r.ConnectTimeout > 0 {
		t.Connect, t.TLSHandshake = r.ConnectTimeout, r.ConnectTimeout
	}
	if r.HeaderTimeout > 0 {
		t.ResponseHeader = r.HeaderTimeout
	}
	if r.Timeout > 0 {
		t.Request = r.Timeout
	}
	return t
}

// clients holds one client per set of timeouts, so the sources of a worker
// that share their bounds also share connections, and a pull opening its
// adapter for every slice does not leave a transport behind each time.
var clients sync.Map // Timeouts → *http.Client

// HTTPClientFor returns the shared client with t's bounds.
func HTTPClientFor(t Timeouts) *http.Client {
	if t == DefaultTimeouts() {
		return defaultHTTP()
	}
	if c, ok := clients.Load(t); ok {
		return c.(*http.Client)
	}
	c, _ := clients.LoadOrStore(t, NewHTTPClient(t))
	return c.(*http.Client)
}

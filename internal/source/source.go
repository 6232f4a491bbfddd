// Package source is the contract between settleflow and its partners'
// feeds: one Adapter per source kind, each in its own package below this
// one, turning the partner's wire format into canonical records, and a
// Registry that finds the adapter a scope's source names.
package source

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/settleflow/settleflow/internal/record"
)

// Config is what an adapter needs to reach one source.
type Config struct {
	// Name is the source's name in its scope, for error messages.
	Name    string
	BaseURL string
	Token   string
	// PageSize is the page size to ask for; 0 asks for the largest the
	// source allows.
	PageSize int
	HTTP     *http.Client
	// Requests bounds and retries each page's request; the zero value
	// leaves both to the adapter's defaults.
	Requests Requests
}

// Requests is how one page's HTTP request is bounded and retried, in
// terms every adapter of an HTTP feed can apply.
type Requests struct {
	// Attempts is the most tries of one request, the first included; 0
	// leaves the limit to Budget.
	Attempts int
	// Budget bounds the time from the first try to the start of the last;
	// 0 leaves the limit to Attempts. With both 0 a request is tried once.
	Budget time.Duration
	// FirstRetry is the wait before the second try; each later wait
	// doubles up to MaxRetry. A server's Retry-After, when longer, wins.
	FirstRetry time.Duration
	MaxRetry   time.Duration
	// ConnectTimeout bounds the TCP connect and the TLS handshake each,
	// HeaderTimeout the wait for the response headers, Timeout the whole
	// request, body included.
	ConnectTimeout time.Duration
	HeaderTimeout  time.Duration
	Timeout        time.Duration
}

// PageRequest asks for one page of the records of [From, To).
type PageRequest struct {
	From, To time.Time
	// Cursor is "" for the first page, else the NextCursor of the previous.
	Cursor string
}

// Page is one page of a source: the format-valid records and the rejects,
// in the order the source sent them.
type Page struct {
	Records []record.Record
	Rejects []record.Reject
	// NextCursor is empty on the last page.
	NextCursor string
	// Total is how many records the source says [From, To) holds, or -1
	// when it does not say.
	Total int64
	// Bytes is the size of the response body.
	Bytes int
}

// Adapter reads one source of one kind.
type Adapter interface {
	// FetchPage fetches and decodes one page. A malformed record is a
	// Reject in the page; only a failed request or a broken envelope fails
	// the call.
	FetchPage(ctx context.Context, req PageRequest) (Page, error)
}

// Kind describes one source kind: how to build its adapter and the largest
// page its partners serve.
type Kind struct {
	Name        string
	MaxPageSize int
	New         func(Config) (Adapter, error)
}

// Registry maps kind names to kinds.
type Registry struct {
	kinds map[string]Kind
}

// NewRegistry registers kinds; a name registered twice is a programming
// error.
func NewRegistry(kinds ...Kind) *Registry {
	r := &Registry{kinds: map[string]Kind{}}
	for _, k := range kinds {
		if _, dup := r.kinds[k.Name]; dup {
			panic("source: kind " + k.Name + " registered twice")
		}
		r.kinds[k.Name] = k
	}
	return r
}

// Names lists the registered kinds in order.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.kinds))
	for n := range r.kinds {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Lookup returns a kind, or an error naming the kinds that exist.
func (r *Registry) Lookup(name string) (Kind, error) {
	k, ok := r.kinds[name]
	if !ok {
		return Kind{}, fmt.Errorf("source kind %q has no adapter (have %s)", name, strings.Join(r.Names(), ", "))
	}
	return k, nil
}

// Open builds the adapter for one source. A page size of 0 asks for the
// largest page the kind serves; a larger one than that is refused.
func (r *Registry) Open(kind string, cfg Config) (Adapter, error) {
	k, err := r.Lookup(kind)
	if err != nil {
		return nil, err
	}
	if cfg.PageSize > k.MaxPageSize {
		return nil, fmt.Errorf("source %s: page size %d is above the %d a %s source serves", cfg.Name, cfg.PageSize, k.MaxPageSize, kind)
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = k.MaxPageSize
	}
	return k.New(cfg)
}

package feed

import (
	"context"
	"fmt"
	"time"

	"github.com/settleflow/settleflow/internal/source"
)

// Adapter is the source.Adapter of one cursor-paged JSON feed: a Client
// for its path and the kind's decoder, which maps each element to a
// canonical record or a format reject. Adapters of every kind are this
// type; a kind's package supplies only its path and decoder.
type Adapter struct {
	Client Client
	Decode func(Page) source.Page
}

// NewKind is the source kind whose adapter reads path with decode, at
// most maxPage records a page; with summary, its feed also publishes
// control totals at path + SummarySuffix.
func NewKind(name string, maxPage int, path string, decode func(Page) source.Page, summary bool) source.Kind {
	return source.Kind{Name: name, MaxPageSize: maxPage, New: func(cfg source.Config) (source.Adapter, error) {
		a, err := NewAdapter(cfg, path, decode)
		if err != nil || !summary {
			return a, err
		}
		return Summarizing{Adapter: a}, nil
	}}
}

// NewAdapter builds the adapter of one source. Its requests are bounded
// and retried as cfg.Requests says (the defaults where it is zero); a
// cfg.HTTP, when set, replaces the client those bounds would give.
func NewAdapter(cfg source.Config, path string, decode func(Page) source.Page) (*Adapter, error) {
	hc := cfg.HTTP
	if hc == nil {
		hc = HTTPClientFor(TimeoutsFor(cfg.Requests))
	}
	a := &Adapter{Decode: decode, Client: Client{
		BaseURL:  cfg.BaseURL,
		Path:     path,
		Token:    cfg.Token,
		PageSize: cfg.PageSize,
		HTTP:     hc,
		Retry:    RetryFor(cfg.Requests),
	}}
	if err := a.Client.Validate(); err != nil {
		return nil, fmt.Errorf("source %s: %w", cfg.Name, err)
	}
	return a, nil
}

// FetchPage fetches one page. A malformed record is a Reject in the page;
// only a failed request or a broken envelope fails the call, and
// IsPermanent tells whether retrying can help. Records repeated across
// pages are returned as sent: deduplication is the caller's job.
func (a *Adapter) FetchPage(ctx context.Context, req source.PageRequest) (source.Page, error) {
	p, err := a.Client.Fetch(ctx, req)
	if err != nil {
		return source.Page{}, err
	}
	return a.Decode(p), nil
}

// Summarizing is an Adapter whose feed publishes control totals at its
// path + SummarySuffix.
type Summarizing struct{ *Adapter }

// Summary fetches the feed's control totals for [from, to).
func (s Summarizing) Summary(ctx context.Context, from, to time.Time) ([]source.DayTotal, error) {
	return s.Client.Summary(ctx, from, to)
}

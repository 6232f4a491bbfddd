// Package provider is the source adapter for the game aggregator's
// transaction feed, GET /v1/transactions. It maps the feed's records to
// canonical records and applies stage 1 (format) validation; HTTP,
// retries and the envelope are package feed's, JSON is package wire's.
// It neither dedupes nor applies business rules.
package provider

import (
	"context"
	"fmt"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
)

// transactionsPath is the feed's only endpoint.
const transactionsPath = "/v1/transactions"

// Kind registers the adapter; the aggregator serves at most 5000 records a
// page.
var Kind = source.Kind{Name: record.KindProvider, MaxPageSize: 5000, New: New}

// New builds the adapter for one source. Its requests are bounded and
// retried as cfg.Requests says (feed's defaults where it is zero); a
// cfg.HTTP, when set, replaces the client those bounds would give.
func New(cfg source.Config) (source.Adapter, error) {
	hc := cfg.HTTP
	if hc == nil {
		hc = feed.HTTPClientFor(feed.TimeoutsFor(cfg.Requests))
	}
	a := &adapter{feed: feed.Client{
		BaseURL:  cfg.BaseURL,
		Path:     transactionsPath,
		Token:    cfg.Token,
		PageSize: cfg.PageSize,
		HTTP:     hc,
		Retry:    feed.RetryFor(cfg.Requests),
	}}
	if err := a.feed.Validate(); err != nil {
		return nil, fmt.Errorf("source %s: %w", cfg.Name, err)
	}
	return a, nil
}

type adapter struct {
	feed feed.Client
}

// FetchPage fetches one page. A malformed record is a Reject in the page;
// only a failed request or a broken envelope fails the call, and
// feed.IsPermanent tells whether retrying can help. Records repeated
// across pages are returned as sent: deduplication is the caller's job.
func (a *adapter) FetchPage(ctx context.Context, req source.PageRequest) (source.Page, error) {
	p, err := a.feed.Fetch(ctx, req)
	if err != nil {
		return source.Page{}, err
	}
	return decodePage(p), nil
}

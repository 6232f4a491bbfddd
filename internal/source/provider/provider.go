// Package provider is the source adapter for the game aggregator's
// transaction feed, GET /v1/transactions. It maps the feed's records to
// canonical records and applies stage 1 (format) validation; HTTP,
// retries and the envelope are package feed's, JSON is package wire's.
// It neither dedupes nor applies business rules.
package provider

import (
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
)

// transactionsPath is the feed's endpoint; its control totals are at
// transactionsPath + feed.SummarySuffix.
const transactionsPath = "/v1/transactions"

// Kind registers the adapter; the aggregator serves at most 5000 records a
// page.
var Kind = source.Kind{Name: record.KindProvider, MaxPageSize: 5000, New: New}

// New builds the adapter for one source. A nil cfg.HTTP gets feed's
// default client with its timeouts; temporary failures are retried with
// feed.DefaultRetry. The aggregator publishes control totals.
func New(cfg source.Config) (source.Adapter, error) {
	a, err := feed.NewAdapter(cfg, transactionsPath, decodePage)
	if err != nil {
		return nil, err
	}
	return feed.Summarizing{Adapter: a}, nil
}

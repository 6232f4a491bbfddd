// Package provider is the source adapter for the game aggregator's
// transaction feed, GET /v1/transactions. It maps the feed's records to
// canonical records and applies stage 1 (format) validation; HTTP,
// retries and the envelope are package feed's, JSON is package wire's.
// It neither dedupes nor applies business rules.
package provider

import (
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source/feed"
)

// transactionsPath is the feed's endpoint; its control totals are at
// transactionsPath + feed.SummarySuffix.
const transactionsPath = "/v1/transactions"

// Kind registers the adapter; the feed serves at most 5000 records a page.
var Kind = feed.NewKind(record.KindProvider, 5000, transactionsPath, decodePage, true)

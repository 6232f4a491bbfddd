// Package wallet is the source adapter for the operator's wallet ledger
// export, GET /v1/ledger: deposits and withdrawals carrying the PSP's
// payment reference, game debits and credits mirroring the aggregator's
// transactions, and bonus credits. It maps the ledger's entries to
// canonical records and applies stage 1 (format) validation; HTTP is
// package feed's, field reading package format's.
package wallet

import (
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/source/feed"
)

// ledgerPath is the export's endpoint.
const ledgerPath = "/v1/ledger"

// Kind registers the adapter; the feed serves at most 5000 entries a page.
var Kind = feed.NewKind(record.KindWallet, 5000, ledgerPath, decodePage, false)

package provider

import (
	"testing"

	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/wire"
)

// decodeBody decodes a page's body as FetchPage does once it has it.
func decodeBody(tb testing.TB, body []byte) source.Page {
	tb.Helper()
	env, err := wire.ScanEnvelope(body)
	if err != nil {
		tb.Fatalf("ScanEnvelope: %v", err)
	}
	return decodePage(feed.Page{Envelope: env, Bytes: len(body)})
}

package provider

import (
	"encoding/json"
	"runtime"
	"testing"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/wire"
)

// simPage is a 5000-record page as the simulated partner encodes it.
func simPage(tb testing.TB) []byte {
	tb.Helper()
	txs := sim.GenerateTransactions(sim.DefaultProviderConfig(), day0, day0.AddDate(0, 0, 2))[:5000]
	body, err := json.Marshal(map[string]any{"data": txs, "next_cursor": "bz01MDAw", "total": 1000000})
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// BenchmarkDecodePage measures what a worker spends on a 5000-record page
// once its body has arrived. page is the envelope scan and every record's
// decoding, hash included; records leaves out the scan; hash is
// record.ComputeHash alone, to tell the adapter's share from the hash's.
func BenchmarkDecodePage(b *testing.B) {
	body := simPage(b)
	env, err := wire.ScanEnvelope(body)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("page", func(b *testing.B) {
		perRecord(b, func() { decodeBody(b, body) })
	})
	b.Run("records", func(b *testing.B) {
		perRecord(b, func() { decodePage(feed.Page{Envelope: env}) })
	})
	b.Run("hash", func(b *testing.B) {
		recs := decodeBody(b, body).Records
		perRecord(b, func() {
			for i := range recs {
				recs[i].Hash = record.ComputeHash(&recs[i])
			}
		})
	})
}

func perRecord(b *testing.B, decode func()) {
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for b.Loop() {
		decode()
	}
	runtime.ReadMemStats(&ms1)
	n := float64(b.N * 5000)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/record")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/n, "allocs/record")
}

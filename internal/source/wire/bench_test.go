package wire

import (
	"fmt"
	"testing"
)

// benchPage is a page shaped like the aggregator's: n records of about
// 250 bytes, ids and timestamps as the partner writes them.
func benchPage(n int) []byte {
	games := []string{"slot-dragon", "live-baccarat", "crash-rocket", "slot-pharaoh"}
	b := []byte(`{"data":[`)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `{"transaction_id":"t-20261101-%06d-b","round_id":"r-20261101-%06d","player_id":"p-%05d",`+
			`"game_code":%q,"type":"bet","amount":%d,"currency":"KRW","timestamp":"2026-11-01T03:%02d:%02d.%03dZ",`+
			`"ref_transaction_id":""}`, i, i, i%200, games[i%len(games)], 100+i*7, i/60%60, i%60, i%1000)
	}
	return append(b, `],"next_cursor":"eyJvIjo1MDAwfQ","total":1000000}`...)
}

func BenchmarkScanEnvelope(b *testing.B) {
	body := benchPage(5000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ScanEnvelope(body); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*5000), "ns/record")
}

func BenchmarkObjectParse(b *testing.B) {
	env, err := ScanEnvelope(benchPage(5000))
	if err != nil {
		b.Fatal(err)
	}
	var o Object
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range env.Elements {
			if err := o.Parse(e); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(env.Elements)), "ns/record")
}

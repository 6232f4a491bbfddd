package sim

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"
	"time"
	"unsafe"
)

// Sizes: a round yields about 1.42 records (every bet, plus a settlement
// for 42% of rounds).
const (
	roundsFor1MPerDay = 704_000 // one day of about 1M records
	roundsFor1MIn3    = 235_000 // three days of about 1M records together
	roundsFor2MIn2    = 740_000 // two days of about 2.1M records together
)

// BenchmarkBuildDay1M builds one compact day of about a million records.
func BenchmarkBuildDay1M(b *testing.B) {
	cfg := ProviderConfig{Seed: 42, Players: 200, RoundsPerDay: roundsFor1MPerDay,
		Faults: Faults{InvalidEvery: 250}}.normalized()
	num := day0.Unix() / secondsPerDay
	b.ReportAllocs()
	var d *compactDay
	for b.Loop() {
		d = buildDay(cfg, num)
	}
	held := len(d.rounds)*int(unsafe.Sizeof(round{})) + cap(d.index)*int(unsafe.Sizeof(entry(0)))
	b.ReportMetric(float64(len(d.index)), "records/day")
	b.ReportMetric(float64(held)/float64(len(d.index)), "bytes/record")
}

// BenchmarkServePeriod1M pulls a three-day period of about a million
// records through the handler, page by page at limit 5000, from a cold
// server: layout, day builds, materialising and JSON encoding included.
func BenchmarkServePeriod1M(b *testing.B) {
	cfg := DefaultProviderConfig()
	cfg.RoundsPerDay, cfg.Faults.InvalidEvery = roundsFor1MIn3, 250
	b.ReportAllocs()
	var records, pages int
	var firstPage time.Duration
	for b.Loop() {
		start := time.Now()
		records, pages = 0, 0
		pullAll(b, NewProviderServer(cfg), cfg, day0, day3, 5000, func(n int) {
			if pages == 0 {
				firstPage = time.Since(start)
			}
			records, pages = records+n, pages+1
		})
	}
	b.ReportMetric(float64(records), "records/op")
	b.ReportMetric(float64(pages), "pages/op")
	b.ReportMetric(float64(firstPage.Milliseconds()), "first-page-ms")
}

// BenchmarkServeHeap2M serves about 2.1M records over two days and fails if
// the heap in use ever reaches 100 MB; it reports the peak it saw.
func BenchmarkServeHeap2M(b *testing.B) {
	cfg := DefaultProviderConfig()
	cfg.RoundsPerDay, cfg.Faults.InvalidEvery = roundsFor2MIn2, 250
	var peak uint64
	var records int
	var ms runtime.MemStats
	for b.Loop() {
		records = 0
		pullAll(b, NewProviderServer(cfg), cfg, day0, day0.Add(48*time.Hour), 5000, func(n int) {
			records += n
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		})
	}
	b.ReportMetric(float64(records), "records/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	if records < 2_000_000 || peak >= 100<<20 {
		b.Fatalf("served %d records with a peak heap in use of %d MB", records, peak>>20)
	}
}

// pullAll follows a range's cursors through h, calling page with each
// page's record count. It reads next_cursor and the record count straight
// from the body, so the client's decoding does not blur the server's cost.
func pullAll(b *testing.B, h http.Handler, cfg ProviderConfig, from, to time.Time, limit int, page func(int)) {
	b.Helper()
	pullFeed(b, h, cfg.Token, PathTransactions, `"transaction_id":`, from, to, limit, page)
}

// pullFeed is pullAll for any feed: each record holds idKey once.
func pullFeed(b *testing.B, h http.Handler, token, path, idKey string, from, to time.Time, limit int, page func(int)) {
	b.Helper()
	cursor := ""
	for {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path+"?"+pageQuery(from, to, limit, cursor).Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		body := rec.Body.Bytes()
		page(bytes.Count(body, []byte(idKey)))
		if cursor = nextCursor(b, body); cursor == "" {
			return
		}
	}
}

func heapInUse() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

func nextCursor(b *testing.B, body []byte) string {
	const key = `"next_cursor":`
	i := bytes.LastIndex(body, []byte(key))
	if i < 0 {
		b.Fatalf("no next_cursor in page")
	}
	rest := body[i+len(key):]
	s, err := strconv.QuotedPrefix(string(rest))
	if err != nil {
		b.Fatalf("next_cursor: %v", err)
	}
	c, err := strconv.Unquote(s)
	if err != nil {
		b.Fatalf("next_cursor: %v", err)
	}
	return c
}

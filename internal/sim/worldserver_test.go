package sim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// getJSON sends GET path?q with token and decodes the answer into v.
func getJSON(t testing.TB, h http.Handler, path, token string, q url.Values, v any) int {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path+"?"+q.Encode(), nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	h.ServeHTTP(rec, req)
	if rec.Code == http.StatusOK && v != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return rec.Code
}

// pullPath follows a feed's cursors over [from, to) at limit.
func pullPath[T any](t *testing.T, h http.Handler, path, token string, from, to time.Time, limit int) []T {
	t.Helper()
	var out []T
	cursor := ""
	for range 100_000 {
		var p pageOf[T]
		if code := getJSON(t, h, path, token, pageQuery(from, to, limit, cursor), &p); code != http.StatusOK {
			t.Fatalf("%s cursor %q: status %d", path, cursor, code)
		}
		if len(p.Data) > limit {
			t.Fatalf("%s: page of %d over limit %d", path, len(p.Data), limit)
		}
		out = append(out, p.Data...)
		if cursor = p.NextCursor; cursor == "" {
			if p.Total != len(out) && from.Equal(kstFrom) {
				t.Errorf("%s: total %d, served %d", path, p.Total, len(out))
			}
			return out
		}
	}
	t.Fatalf("%s: cursors do not end", path)
	return nil
}

// sliced pulls [kstFrom, kstTo) in three uneven slices, as a cycle does.
func sliced[T any](t *testing.T, h http.Handler, path, token string, limit int) []T {
	bounds := []time.Time{kstFrom, kstFrom.Add(7*time.Hour + 13*time.Minute), kstFrom.Add(30 * time.Hour), kstTo}
	var out []T
	for i := range 3 {
		out = append(out, pullPath[T](t, h, path, token, bounds[i], bounds[i+1], limit)...)
	}
	return out
}

// Every feed pages, slice by slice, to exactly the records of the range.
func TestWorldFeedsPage(t *testing.T) {
	_, s := testWorld(t, everyBreak)
	tok := s.w.provider.Token
	check := func(name string, got, want any) {
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: paged records differ from the range's", name)
		}
	}
	// The wallet serves a range's game entries before its cash entries, so
	// slices come in another order than the whole range: compare as sets.
	byID := func(es []WalletEntry) []WalletEntry {
		return slices.SortedStableFunc(slices.Values(es), func(a, b WalletEntry) int { return strings.Compare(a.EntryID, b.EntryID) })
	}
	check("wallet", byID(sliced[WalletEntry](t, s, PathLedger, tok, 97)), byID(s.WalletEntries(kstFrom, kstTo)))
	check("psp", sliced[PSPLine](t, s, PathSettlement, tok, 7), s.PSPLines(kstFrom, kstTo))
	check("traffic", sliced[TrafficEvent](t, s, PathEvents, tok, 50), s.TrafficEvents(kstFrom, kstTo))
	check("fx", sliced[Rate](t, s, PathRates, tok, 1), s.Rates(kstFrom, kstTo))
	check("provider", sliced[Transaction](t, s, PathTransactions, tok, 300), s.Transactions(kstFrom, kstTo))
}

func TestWorldServerRefusals(t *testing.T) {
	cfg := DefaultWorldConfig()
	cfg.Tokens = map[string]string{"wallet": "wallet-token"}
	s, err := NewWorldServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	q := pageQuery(kstFrom, kstTo, 10, "")
	if code := getJSON(t, s, PathLedger, cfg.Provider.Token, q, nil); code != http.StatusUnauthorized {
		t.Errorf("wallet with the provider's token: %d", code)
	}
	if code := getJSON(t, s, PathLedger, "wallet-token", q, nil); code != http.StatusOK {
		t.Errorf("wallet with its token: %d", code)
	}
	for name, c := range map[string]string{"garbage": "%%", "resend": encodeCursor(cursor{day: 1 << 40, pos: 1, resend: 1}),
		"foreign": encodeCursor(cursor{day: 3, pos: 0})} {
		if code := getJSON(t, s, PathSettlement, cfg.Provider.Token, pageQuery(kstFrom, kstTo, 10, c), nil); code != http.StatusBadRequest {
			t.Errorf("%s cursor: %d", name, code)
		}
	}
	if code := getJSON(t, s, PathSettlement+SummarySuffix, cfg.Provider.Token, url.Values{"from": {"x"}}, nil); code != http.StatusBadRequest {
		t.Errorf("summary without a range: %d", code)
	}
}

// The summary endpoints answer what Summary computes.
func TestWorldSummaryEndpoints(t *testing.T) {
	_, s := testWorld(t, "missing_page=0.05")
	q := url.Values{"from": {kstFrom.Format(time.RFC3339)}, "to": {kstTo.Format(time.RFC3339)}}
	for kind, path := range map[string]string{"provider": PathTransactions, "psp": PathSettlement} {
		var got struct{ Days []DayTotal }
		if code := getJSON(t, s, path+SummarySuffix, s.w.provider.Token, q, &got); code != http.StatusOK {
			t.Fatalf("%s summary: %d", kind, code)
		}
		if want := s.Summary(kind, kstFrom, kstTo); len(want) == 0 || !reflect.DeepEqual(got.Days, want) {
			t.Errorf("%s summary over HTTP differs", kind)
		}
	}
	// A PSP's summary counts what it serves.
	lines := s.PSPLines(kstFrom, kstTo)
	checkSummary(t, "psp", s.Summary("psp", kstFrom, kstTo), len(lines), func(add func(time.Time, string, string, int64)) {
		for _, l := range lines {
			add(l.BookedAt, l.Currency, l.Type, l.Amount)
		}
	})
}

// BenchmarkServeWorldHeap serves about a million wallet entries over a
// day, page by page, and fails if the heap in use ever reaches 100 MB.
func BenchmarkServeWorldHeap(b *testing.B) {
	cfg := DefaultWorldConfig()
	cfg.Provider.RoundsPerDay = roundsFor1MPerDay
	cfg.DepositsPerDay, cfg.ClicksPerDay = 20_000, 200_000
	s, err := NewWorldServer(cfg)
	if err != nil {
		b.Fatal(err)
	}
	day1 := day0.Add(24 * time.Hour)
	var peak uint64
	var records int
	for b.Loop() {
		records = 0
		for path, idKey := range map[string]string{PathLedger: `"entry_id":`, PathEvents: `"event_id":`} {
			pullFeed(b, s, cfg.Provider.Token, path, idKey, day0, day1, 5000, func(n int) {
				records += n
				peak = max(peak, heapInUse())
			})
		}
	}
	b.ReportMetric(float64(records), "records/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	if records < 1_000_000 || peak >= 100<<20 {
		b.Fatalf("served %d records with a peak heap in use of %d MB", records, peak>>20)
	}
}

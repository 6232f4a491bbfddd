package sim

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestDuplicatePageResendsUnderForwardCursor: the page after page k carries
// page k's records again, the cursor chain never repeats or goes back, and
// the re-sent records are the ones today's fault duplicated for a
// full-period pull with the same limit.
func TestDuplicatePageResendsUnderForwardCursor(t *testing.T) {
	base := equivalenceConfigs[1]
	clean := base
	clean.Faults.InvalidEvery = 0
	day1 := day0.Add(24 * time.Hour)
	for name, tc := range map[string]struct {
		cfg      ProviderConfig
		to       time.Time
		limit, k int
		// k < 0 picks the last page. sameAsOld: no out-of-period record
		// moved before page k, so the old generator's page k is the same
		// records in the same order.
		sameAsOld bool
	}{
		"clean, three days":            {clean, day3, 100, 2, true},
		"invalid, one day":             {base, day1, 100, 3, true},
		"invalid, three days":          {base, day3, 250, 5, false},
		"last page, partial":           {clean, day1, 500, 2, true},
		"page spanning a day boundary": {clean, day3, 700, 1, true},
	} {
		old := refGenerate(tc.cfg, day0, tc.to)
		if tc.k < 0 {
			tc.k = (len(old) - 1) / tc.limit
		}
		cfg := tc.cfg
		cfg.Faults.DuplicatePage = tc.k
		got := serve(t, NewProviderServer(cfg), cfg, day0, tc.to, tc.limit)
		want := refServed(cfg, day0, tc.to)
		oldPage := old[tc.k*tc.limit : min((tc.k+1)*tc.limit, len(old))]

		if len(got.pages) <= tc.k+1 || !slices.Equal(wire(t, got.pages[tc.k+1]), wire(t, got.pages[tc.k])) {
			t.Errorf("%s: page %d was not re-sent by the next page", name, tc.k)
			continue
		}
		if n := len(got.pages[tc.k+1]); n != len(oldPage) {
			t.Errorf("%s: re-sent %d records, the old fault duplicated %d", name, n, len(oldPage))
		}
		if tc.sameAsOld {
			oldTxs := make([]Transaction, len(oldPage))
			for i, p := range oldPage {
				oldTxs[i] = p.Transaction
			}
			if !slices.Equal(wire(t, got.pages[tc.k+1]), wire(t, oldTxs)) {
				t.Errorf("%s: re-sent records differ from the old duplicated page", name)
			}
		}
		without := slices.Concat(got.pages[:tc.k+1]...)
		without = append(without, slices.Concat(got.pages[tc.k+2:]...)...)
		if !slices.Equal(wire(t, without), wire(t, want)) {
			t.Errorf("%s: dropping the re-sent page does not give the feed back", name)
		}
		for _, total := range got.totals {
			if total != len(want) {
				t.Errorf("%s: total %d, want %d (re-send excluded)", name, total, len(want))
				break
			}
		}
		checkForward(t, name, got.cursors)
	}
}

// checkForward requires cursors that never repeat and positions that never
// go back.
func checkForward(t *testing.T, name string, cursors []string) {
	t.Helper()
	var prev cursor
	seen := map[string]bool{}
	for i, s := range cursors {
		c, _, err := decodeCursor(s)
		if err != nil {
			t.Fatalf("%s: cursor %d: %v", name, i, err)
		}
		if seen[s] || c.day < prev.day || c.day == prev.day && c.pos < prev.pos {
			t.Errorf("%s: cursor %d (%+v) repeats or goes back from %+v", name, i, c, prev)
		}
		seen[s], prev = true, c
	}
}

func TestCursorsForwardWithoutFaults(t *testing.T) {
	cfg := equivalenceConfigs[1]
	checkForward(t, "clean", serve(t, NewProviderServer(cfg), cfg, day0.Add(3*time.Hour), day3, 300).cursors)
}

func TestGarbageCursorIs400(t *testing.T) {
	cfg := equivalenceConfigs[0]
	h := NewProviderServer(cfg)
	day1 := day0.Add(24 * time.Hour)
	first := servePage(t, h, cfg.Token, pageQuery(day0, day1, 100, ""))
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	num := day0.Unix() / secondsPerDay
	for name, c := range map[string]string{
		"not base64":            "%%%",
		"old offset cursor":     b64("o:100"),
		"no prefix":             b64("20393:1:0"),
		"too few fields":        b64("d1:20393:1"),
		"bad day":               b64("d1:x:1:0"),
		"negative position":     b64("d1:20393:-1:0"),
		"day outside the range": b64("d1:" + itoa(num+1) + ":0:0"),
		"past the day's end":    b64("d1:" + itoa(num) + ":999999:0"),
		"re-send before start":  b64("d1:" + itoa(num) + ":5:6"),
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/v1/transactions?"+pageQuery(day0, day1, 100, c).Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+cfg.Token)
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, rec.Code)
		}
	}
	// A cursor from one range is no good for a range on another day.
	q := pageQuery(day3, day3.Add(time.Hour), 100, first.NextCursor)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/v1/transactions?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+cfg.Token)
	if h.ServeHTTP(rec, req); rec.Code != http.StatusBadRequest {
		t.Errorf("foreign cursor: status %d, want 400", rec.Code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Parallel slice pulls share the server's caches; each must still get
// exactly its own records.
func TestConcurrentSlicePulls(t *testing.T) {
	cfg := equivalenceConfigs[3]
	h := NewProviderServer(cfg)
	bounds := []time.Time{day0, day0.Add(9 * time.Hour), day0.Add(26 * time.Hour), day0.Add(50 * time.Hour), day3}
	got := make([][]Transaction, len(bounds)-1)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i] = serve(t, h, cfg, bounds[i], bounds[i+1], 97).records })
	}
	wg.Wait()
	for i := range got {
		if !slices.Equal(wire(t, got[i]), wire(t, refServed(cfg, bounds[i], bounds[i+1]))) {
			t.Errorf("slice %d differs from the reference", i)
		}
	}
}

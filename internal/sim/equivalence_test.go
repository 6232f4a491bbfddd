package sim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"
)

// served is what a client collects by following the cursors of a range.
type served struct {
	records []Transaction
	pages   [][]Transaction
	totals  []int
	cursors []string
}

// serve pulls [from, to) through the handler, page by page, with limit.
func serve(t testing.TB, h http.Handler, cfg ProviderConfig, from, to time.Time, limit int) served {
	t.Helper()
	var out served
	cursor := ""
	for {
		p := servePage(t, h, cfg.Token, pageQuery(from, to, limit, cursor))
		out.records = append(out.records, p.Data...)
		out.pages = append(out.pages, p.Data)
		out.totals = append(out.totals, p.Total)
		if cursor = p.NextCursor; cursor == "" {
			return out
		}
		out.cursors = append(out.cursors, cursor)
		if len(out.pages) > 1_000_000 {
			t.Fatal("cursor chain does not end")
		}
	}
}

func pageQuery(from, to time.Time, limit int, cursor string) url.Values {
	return url.Values{
		"from": {from.Format(time.RFC3339Nano)}, "to": {to.Format(time.RFC3339Nano)},
		"limit": {strconv.Itoa(limit)}, "cursor": {cursor},
	}
}

func servePage(t testing.TB, h http.Handler, token string, q url.Values) page {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/v1/transactions?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var p page
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("decode page: %v", err)
	}
	return p
}

// refServed is the reference feed for [from, to) with the two documented
// changes applied: out-of-period records 90 days before their origin, and
// each origin day served on its own, in (timestamp, transaction_id) order.
// The sort is stable, so everything else keeps the reference's order.
func refServed(cfg ProviderConfig, from, to time.Time) []Transaction {
	ref := refGenerate(cfg, from, to)
	for i := range ref {
		if ref[i].kind == InvalidOutOfPeriod {
			ref[i].Timestamp = ref[i].origin.Add(-90 * 24 * time.Hour)
		}
	}
	slices.SortStableFunc(ref, func(a, b refPending) int {
		da, db := a.origin.Unix()/86400, b.origin.Unix()/86400
		switch {
		case da != db:
			return int(da - db)
		case refLessTx(a.Transaction, b.Transaction):
			return -1
		case refLessTx(b.Transaction, a.Transaction):
			return 1
		}
		return 0
	})
	out := make([]Transaction, len(ref))
	for i, p := range ref {
		out[i] = p.Transaction
	}
	return out
}

// wire renders records as a client sees them, so comparisons ignore
// *time.Location pointers.
func wire(t testing.TB, txs []Transaction) []string {
	t.Helper()
	out := make([]string, len(txs))
	for i, tx := range txs {
		b, err := json.Marshal(tx)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(b)
	}
	return out
}

func multiset(recs []string) map[string]int {
	m := make(map[string]int, len(recs))
	for _, r := range recs {
		m[r]++
	}
	return m
}

var equivalenceConfigs = []ProviderConfig{
	{Seed: 42, Players: 200, RoundsPerDay: 2000, Currencies: []string{"KRW", "USD", "EUR"}, Token: "k"},
	{Seed: 7, Players: 30, RoundsPerDay: 900, Currencies: []string{"JPY", "USD"}, Token: "k", Faults: Faults{InvalidEvery: 7}},
	{Seed: -3, Players: 500, RoundsPerDay: 1500, Token: "k", Faults: Faults{InvalidEvery: 1}},
	{Seed: 99, Players: 80, RoundsPerDay: 1200, Token: "k", Faults: Faults{InvalidEvery: 3}},
	{Seed: 5, Players: 10, RoundsPerDay: 25000, Token: "k", Faults: Faults{InvalidEvery: 10}},
}

func equivalenceRanges() [][2]time.Time {
	return [][2]time.Time{
		{day0, day0.Add(24 * time.Hour)},
		{day0, day3},
		{day0.Add(5*time.Hour + 17*time.Minute + 3*time.Second), day0.Add(2*24*time.Hour + 13*time.Hour)},
		{day0.Add(1500 * time.Millisecond), day0.Add(24*time.Hour + 250*time.Millisecond)},
		{day0.Add(10 * time.Hour), day0.Add(10*time.Hour + time.Second)},
		{day0.Add(-3 * time.Hour), day0.Add(2 * time.Hour)},
	}
}

// TestServedMatchesReference pulls every range of every config through the
// handler and requires the reference's records (as a set, and in the
// documented order) and the reference's count as every page's total.
func TestServedMatchesReference(t *testing.T) {
	limits := []int{1, 7, 100, 999, 5000}
	for ci, cfg := range equivalenceConfigs {
		h := NewProviderServer(cfg)
		for ri, r := range equivalenceRanges() {
			if cfg.RoundsPerDay > 10000 && r[1].Sub(r[0]) > 30*time.Hour {
				continue // the big config covers a single day; keeps the test fast
			}
			want := wire(t, refServed(cfg, r[0], r[1]))
			// Vary the limit, but keep each pull to a few hundred pages.
			limit := max(limits[(ci+ri)%len(limits)], len(want)/300)
			got := serve(t, h, cfg, r[0], r[1], limit)
			gotWire := wire(t, got.records)
			if !maps(multiset(gotWire), multiset(want)) {
				t.Errorf("config %d range %d: served %d records, reference has %d (as sets they differ)",
					ci, ri, len(gotWire), len(want))
				continue
			}
			if !slices.Equal(gotWire, want) {
				t.Errorf("config %d range %d: records match but the order is not the documented one", ci, ri)
			}
			for _, total := range got.totals {
				if total != len(want) {
					t.Errorf("config %d range %d: total %d, want %d", ci, ri, total, len(want))
					break
				}
			}
		}
	}
}

func maps(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestGenerateMatchesServed holds the package functions to the served feed.
func TestGenerateMatchesServed(t *testing.T) {
	cfg := equivalenceConfigs[1]
	from, to := day0.Add(7*time.Hour), day3
	want := refServed(cfg, from, to)
	if !slices.Equal(wire(t, GenerateTransactions(cfg, from, to)), wire(t, want)) {
		t.Fatal("GenerateTransactions differs from the reference")
	}
	var wantInvalid []string
	ref := refGenerate(cfg, from, to)
	for _, p := range ref {
		if p.kind != "" {
			wantInvalid = append(wantInvalid, p.kind)
		}
	}
	var gotInvalid []string
	for _, b := range InjectedInvalid(cfg, from, to) {
		gotInvalid = append(gotInvalid, b.Kind)
	}
	if !maps(multiset(gotInvalid), multiset(wantInvalid)) {
		t.Errorf("InjectedInvalid kinds differ from the reference")
	}
}

// TestSlicesServePeriodOnce pulls a period as time slices, with boundaries
// mid-day and mid-second, and requires every record of the period exactly
// once across the slices, out-of-period records included.
func TestSlicesServePeriodOnce(t *testing.T) {
	cfg := equivalenceConfigs[1]
	h := NewProviderServer(cfg)
	bounds := []time.Time{
		day0, day0.Add(7 * time.Hour), day0.Add(30*time.Hour + 30*time.Minute),
		day0.Add(48*time.Hour + 500*time.Millisecond), day0.Add(48*time.Hour + time.Second), day3,
	}
	var parts []string
	for i := range len(bounds) - 1 {
		got := wire(t, serve(t, h, cfg, bounds[i], bounds[i+1], 250).records)
		if want := wire(t, refServed(cfg, bounds[i], bounds[i+1])); !slices.Equal(got, want) {
			t.Errorf("slice %d: %d records differ from the reference's %d", i, len(got), len(want))
		}
		parts = append(parts, got...)
	}
	whole := wire(t, serve(t, h, cfg, day0, day3, 5000).records)
	if len(parts) != len(whole) || !maps(multiset(parts), multiset(whole)) {
		t.Fatalf("slices served %d records, the period %d", len(parts), len(whole))
	}
	for rec, n := range multiset(parts) {
		if n != 1 {
			t.Fatalf("record served %d times: %s", n, rec)
		}
	}
}

// Package sourcetest holds what the adapters' tests share: a simulated
// world to pull from, a pull to the end, and the promises every decoded
// page must keep, which the fuzz tests hold each adapter to.
package sourcetest

import (
	"bytes"
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/format"
	"github.com/settleflow/settleflow/internal/source/wire"
)

// A demo-casino gaming day (Asia/Seoul, cut-off 00:00) and the next.
var (
	From = time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC)
	To   = From.Add(48 * time.Hour)
)

// World serves a small world with breaks (as sim.ParseBreaks reads them)
// until the test ends; Open opens kind's adapter on it.
type World struct {
	Server *sim.WorldServer
	Config sim.WorldConfig
	URL    string
	srv    *httptest.Server
}

func NewWorld(tb testing.TB, breaks string) *World {
	tb.Helper()
	cfg := sim.DefaultWorldConfig()
	cfg.Provider.RoundsPerDay, cfg.Provider.Players = 400, 40
	cfg.PayoutCutoff = 15 * time.Hour
	var err error
	if cfg.Breaks, err = sim.ParseBreaks(breaks); err != nil {
		tb.Fatal(err)
	}
	s, err := sim.NewWorldServer(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(s)
	tb.Cleanup(srv.Close)
	return &World{Server: s, Config: cfg, URL: srv.URL, srv: srv}
}

// Open opens an adapter of kind on the world.
func (w *World) Open(tb testing.TB, k source.Kind, pageSize int) source.Adapter {
	tb.Helper()
	a, err := source.NewRegistry(k).Open(k.Name, source.Config{Name: k.Name, BaseURL: w.URL,
		Token: w.Config.Provider.Token, PageSize: pageSize, HTTP: w.srv.Client()})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// FetchAll pages through [from, to) to the end.
func FetchAll(tb testing.TB, a source.Adapter, from, to time.Time) ([]record.Record, []record.Reject) {
	tb.Helper()
	var recs []record.Record
	var rejs []record.Reject
	req := source.PageRequest{From: from, To: to}
	for range 100_000 {
		p, err := a.FetchPage(context.Background(), req)
		if err != nil {
			tb.Fatalf("FetchPage: %v", err)
		}
		recs, rejs = append(recs, p.Records...), append(rejs, p.Rejects...)
		if req.Cursor = p.NextCursor; req.Cursor == "" {
			return recs, rejs
		}
	}
	tb.Fatal("pagination did not end")
	return nil, nil
}

// Hashed sets r's hash, as an adapter must have.
func Hashed(r record.Record) record.Record {
	record.SortAttrs(r.Attrs)
	r.Hash = record.ComputeHash(&r)
	return r
}

// FuzzElement puts an arbitrary element between two copies of good and
// checks that it ends as exactly one record or one reject, that the page
// keeps its promises, and that the neighbours come out as good does.
func FuzzElement(f *testing.F, good string, decode func(feed.Page) source.Page, check func(*testing.T, record.Record)) {
	f.Fuzz(func(t *testing.T, raw []byte) {
		elems := [][]byte{[]byte(good), raw, []byte(good)}
		p := decode(feed.Page{Envelope: wire.Envelope{Elements: elems}})
		CheckPage(t, p, elems, check)
		if len(p.Records) < 2 || p.Records[0].Hash != p.Records[len(p.Records)-1].Hash {
			t.Fatalf("neighbours disturbed: %+v", p)
		}
	})
}

// CheckPage holds a decoded page to every adapter's promises: each element
// is one record or one reject, rejects in order with their bytes as sent,
// a known reason and clean text, records with clean text, UTC times,
// sorted attributes and a current hash; check adds the kind's own.
func CheckPage(t *testing.T, p source.Page, elems [][]byte, check func(*testing.T, record.Record)) {
	t.Helper()
	if len(p.Records)+len(p.Rejects) != len(elems) {
		t.Fatalf("%d elements became %d records and %d rejects", len(elems), len(p.Records), len(p.Rejects))
	}
	last := -1
	for _, r := range p.Rejects {
		if r.Index <= last || r.Index >= len(elems) || !bytes.Equal(r.Raw, elems[r.Index]) {
			t.Fatalf("reject %+v: index out of order or raw not as sent", r)
		}
		last = r.Index
		if !slices.Contains(format.Reasons, r.Reason) || r.Detail == "" || !Clean(r.Detail) || !Clean(r.ExternalID) {
			t.Fatalf("reject %+v: unknown reason or unclean text", r)
		}
	}
	for _, r := range p.Records {
		texts := []string{r.ExternalID, r.ReferenceID, r.Player, r.Type, r.Currency}
		for _, a := range r.Attrs {
			texts = append(texts, a.Key, a.Value)
		}
		for _, s := range texts {
			if !Clean(s) {
				t.Fatalf("record %+v holds unclean text %q", r, s)
			}
		}
		if r.ExternalID == "" || r.Currency == "" || r.OccurredAt.Location() != time.UTC || r.Hash != record.ComputeHash(&r) ||
			!slices.IsSortedFunc(r.Attrs, func(a, b record.Attr) int { return strings.Compare(a.Key, b.Key) }) {
			t.Fatalf("record %+v: id, currency, UTC time, hash or attribute order", r)
		}
		check(t, r)
	}
}

// Clean is what Postgres text can hold: valid UTF-8 without NUL.
func Clean(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// With returns the JSON object good with fields replaced by name/value
// pairs; an empty value removes the field, a name it lacks is added.
func With(good string, pairs ...string) string {
	fields := splitFields(strings.Trim(good, "{}"))
	out := fields[:0]
	done := map[string]bool{}
	for _, f := range fields {
		keep := true
		for i := 0; i < len(pairs); i += 2 {
			if strings.HasPrefix(f, `"`+pairs[i]+`":`) {
				f, keep, done[pairs[i]] = `"`+pairs[i]+`":`+pairs[i+1], pairs[i+1] != "", true
			}
		}
		if keep {
			out = append(out, f)
		}
	}
	for i := 0; i < len(pairs); i += 2 {
		if !done[pairs[i]] && pairs[i+1] != "" {
			out = append(out, `"`+pairs[i]+`":`+pairs[i+1])
		}
	}
	return "{" + strings.Join(out, ",") + "}"
}

// splitFields splits a flat object's members at commas outside strings.
func splitFields(s string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && quoted:
			i++
		case s[i] == '"':
			quoted = !quoted
		case s[i] == ',' && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

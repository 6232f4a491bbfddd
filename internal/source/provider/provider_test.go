package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/source/format"
	"github.com/settleflow/settleflow/internal/source/sourcetest"
)

var (
	day0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	day1 = day0.Add(24 * time.Hour)
)

func open(t *testing.T, cfg source.Config) *feed.Adapter {
	t.Helper()
	a, err := source.NewRegistry(Kind).Open(record.KindProvider, cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return a.(feed.Summarizing).Adapter
}

func newFeed(t *testing.T, cfg sim.ProviderConfig) (*feed.Adapter, *sim.ProviderServer) {
	t.Helper()
	ps := sim.NewProviderServer(cfg)
	srv := httptest.NewServer(ps)
	t.Cleanup(srv.Close)
	return open(t, source.Config{Name: "agg", BaseURL: srv.URL, Token: cfg.Token, HTTP: srv.Client(), PageSize: 300}), ps
}

// fetchAll pages to the end.
func fetchAll(t *testing.T, a *feed.Adapter, from, to time.Time) ([]record.Record, []record.Reject) {
	t.Helper()
	return sourcetest.FetchAll(t, a, from, to)
}

// fromSim maps a simulated transaction the way the adapter must,
// independently of it.
func fromSim(tx sim.Transaction) record.Record {
	r := record.Record{
		Kind: record.KindProvider, ExternalID: tx.TransactionID, ReferenceID: tx.RefTransactionID,
		Player: tx.PlayerID, Type: tx.Type, Amount: tx.Amount, Currency: tx.Currency, OccurredAt: tx.Timestamp.UTC(),
		Attrs: []record.Attr{{Key: "round_id", Value: tx.RoundID}, {Key: "game_code", Value: tx.GameCode}},
	}
	record.SortAttrs(r.Attrs)
	r.Hash = record.ComputeHash(&r)
	return r
}

func fromSimAll(txs []sim.Transaction) []record.Record {
	out := make([]record.Record, len(txs))
	for i, tx := range txs {
		out[i] = fromSim(tx)
	}
	return out
}

func TestKindRegistration(t *testing.T) {
	if Kind.Name != record.KindProvider || Kind.MaxPageSize != 5000 {
		t.Errorf("Kind = %+v", Kind)
	}
	a := open(t, source.Config{Name: "agg", BaseURL: "https://feed.example.com"})
	if a.Client.PageSize != 5000 || a.Client.Path != transactionsPath || a.Client.Retry == nil {
		t.Errorf("feed client = %+v", a.Client)
	}
	_, err := Kind.New(source.Config{Name: "agg", BaseURL: "feed.example.com"})
	if !errors.Is(err, feed.ErrInvalidRequest) || !strings.Contains(err.Error(), "source agg") {
		t.Errorf("bad base URL: err = %v", err)
	}
}

func TestFetchFullPagination(t *testing.T) {
	cfg := sim.DefaultProviderConfig()
	a, ps := newFeed(t, cfg)
	recs, rejs := fetchAll(t, a, day0, day1)
	want := fromSimAll(sim.GenerateTransactions(cfg, day0, day1))
	if len(rejs) != 0 || !reflect.DeepEqual(recs, want) {
		t.Fatalf("got %d records / %d rejects, want %d records", len(recs), len(rejs), len(want))
	}
	if st := ps.Stats(); st.Pages != int64((len(want)+299)/300) {
		t.Errorf("pages = %d for %d records", st.Pages, len(want))
	}
}

func TestFetchInjectedInvalidRecords(t *testing.T) {
	cfg := sim.DefaultProviderConfig()
	cfg.Faults.InvalidEvery = 9
	a, _ := newFeed(t, cfg)
	recs, rejs := fetchAll(t, a, day0, day1)
	// Only the format faults are rejected here; the rest pass to stage 2.
	wantReasons := map[string]int{}
	for _, b := range sim.InjectedInvalid(cfg, day0, day1) {
		switch b.Kind {
		case sim.InvalidMissingID:
			wantReasons[format.ReasonMissingID]++
		case sim.InvalidType:
			wantReasons[format.ReasonBadType]++
		}
	}
	var want []sim.Transaction
	for _, tx := range sim.GenerateTransactions(cfg, day0, day1) {
		if tx.TransactionID != "" && tx.Type != "bonus" {
			want = append(want, tx)
		}
	}
	gotReasons := map[string]int{}
	for _, r := range rejs {
		gotReasons[r.Reason]++
		if r.Reason == format.ReasonBadType && !strings.HasSuffix(r.ExternalID, "-x") {
			t.Errorf("bad-type reject without its id: %+v", r)
		}
	}
	if !reflect.DeepEqual(gotReasons, wantReasons) || wantReasons[format.ReasonMissingID] == 0 {
		t.Errorf("reject reasons = %v, want %v", gotReasons, wantReasons)
	}
	if !reflect.DeepEqual(recs, fromSimAll(want)) {
		t.Errorf("got %d records, want %d", len(recs), len(want))
	}
}

func TestFetchDuplicatePageIsNotHidden(t *testing.T) {
	cfg := sim.DefaultProviderConfig()
	cfg.Faults.DuplicatePage = 1
	a, _ := newFeed(t, cfg)
	recs, _ := fetchAll(t, a, day0, day1)
	want := fromSimAll(sim.GenerateTransactions(cfg, day0, day1))
	if len(recs) != len(want)+a.Client.PageSize {
		t.Fatalf("got %d records, want %d + one repeated page", len(recs), len(want))
	}
	if !reflect.DeepEqual(recs[300:600], recs[600:900]) {
		t.Error("page 1 not repeated verbatim (same ids and hashes)")
	}
	if !reflect.DeepEqual(append(recs[:600:600], recs[900:]...), want) {
		t.Error("dropping the repeat does not give the feed back")
	}
}

// TestFetchFlakyPartner is the partner on a bad day: every 5th request
// throttled with Retry-After: 1, every 7th a 500. The pull still succeeds.
func TestFetchFlakyPartner(t *testing.T) {
	cfg := sim.DefaultProviderConfig()
	cfg.Faults.RateLimitEvery, cfg.Faults.FailEveryN = 5, 7
	a, ps := newFeed(t, cfg)
	a.Client.Retry.BaseDelay = 50 * time.Millisecond
	recs, _ := fetchAll(t, a, day0, day1)
	if want := fromSimAll(sim.GenerateTransactions(cfg, day0, day1)); !reflect.DeepEqual(recs, want) {
		t.Fatalf("got %d records, want %d", len(recs), len(want))
	}
	if st := ps.Stats(); st.Faults < 3 || st.Requests != st.Pages+st.Faults {
		t.Errorf("stats %+v: want at least 3 faults, each retried", st)
	}
}

func TestFetchUnauthorized(t *testing.T) {
	a, ps := newFeed(t, sim.DefaultProviderConfig())
	a.Client.Token = "wrong"
	_, err := a.FetchPage(context.Background(), source.PageRequest{From: day0, To: day1})
	if !errors.Is(err, feed.ErrUnauthorized) || !feed.IsPermanent(err) || ps.Stats().Requests != 1 {
		t.Fatalf("err = %v after %d requests, want one permanent ErrUnauthorized", err, ps.Stats().Requests)
	}
	var he *feed.HTTPError
	if !errors.As(err, &he) || he.Status != 401 || !strings.Contains(err.Error(), "/v1/transactions") ||
		!strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "bearer token") {
		t.Errorf("error lacks path/status/body: %v", err)
	}
}

func TestFetchPermanentErrors(t *testing.T) {
	a, _ := newFeed(t, sim.DefaultProviderConfig())
	ctx := context.Background()
	_, err := a.FetchPage(ctx, source.PageRequest{From: day0, To: day1, Cursor: "not-a-cursor!"})
	var he *feed.HTTPError
	if !errors.As(err, &he) || he.Status != 400 || !feed.IsPermanent(err) || !strings.Contains(err.Error(), "not-a-cursor!") {
		t.Errorf("bad cursor: err = %v, want permanent 400 naming the cursor", err)
	}
	if _, err := a.FetchPage(ctx, source.PageRequest{From: day1, To: day0}); !errors.Is(err, feed.ErrInvalidRequest) || !feed.IsPermanent(err) {
		t.Errorf("reversed period: err = %v", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data": {"oops": 1}}`))
	}))
	defer srv.Close()
	a = open(t, source.Config{BaseURL: srv.URL, HTTP: srv.Client()})
	if _, err := a.FetchPage(ctx, source.PageRequest{From: day0, To: day1}); !errors.Is(err, feed.ErrMalformedResponse) || !feed.IsPermanent(err) {
		t.Errorf("malformed envelope: err = %v", err)
	}
}

// A page the feed never serves still shows in its control totals: what
// the summary counts less what the pull received is exactly the answer
// key's missing pages.
func TestControlTotalsFindMissingPage(t *testing.T) {
	w := sourcetest.NewWorld(t, "missing_page=0.1")
	a := w.Open(t, Kind, 500)
	recs, _ := sourcetest.FetchAll(t, a, sourcetest.From, sourcetest.To)
	totals, err := a.(source.Summarizer).Summary(context.Background(), sourcetest.From, sourcetest.To)
	if err != nil {
		t.Fatal(err)
	}
	type group struct {
		day      time.Time
		cur, typ string
	}
	gap := map[group][2]int64{}
	for _, d := range totals {
		g := gap[group{d.Day, d.Currency, d.Type}]
		gap[group{d.Day, d.Currency, d.Type}] = [2]int64{g[0] + d.Count, g[1] + d.Amount}
	}
	for _, r := range recs {
		k := group{r.OccurredAt.Truncate(24 * time.Hour), r.Currency, r.Type}
		gap[k] = [2]int64{gap[k][0] - 1, gap[k][1] - r.Amount}
	}
	key, err := sim.AnswerKey(w.Config, sourcetest.From, sourcetest.To)
	if err != nil {
		t.Fatal(err)
	}
	want := map[group][2]int64{}
	for _, in := range key {
		day, _ := time.Parse(time.DateOnly, in.Day)
		want[group{day, in.Currency, in.Type}] = [2]int64{int64(in.Count), in.Amount}
	}
	for k, g := range gap {
		if g == [2]int64{} {
			delete(gap, k)
		}
	}
	if len(want) == 0 || !reflect.DeepEqual(gap, want) {
		t.Errorf("summary less pull: %v; answer key: %v", gap, want)
	}
}

package sim

import (
	"net/http"
	"time"

	"github.com/settleflow/settleflow/internal/record"
)

// WorldServer serves every source of one simulated platform on one
// address: the aggregator's transactions (with the provider's faults), the
// wallet ledger, the PSP's settlement report, the affiliate network's
// events and the reference rates, and the control totals of the
// aggregator and the PSP. Every feed takes from, to, limit and cursor as
// GET /v1/transactions does, and each kind wants its own bearer token. It
// is safe for concurrent use.
type WorldServer struct {
	w        *world
	mux      *http.ServeMux
	provider *ProviderServer
	wallet   *pagedFeed[WalletEntry]
	psp      *pagedFeed[PSPLine]
	traffic  *pagedFeed[TrafficEvent]
	fx       *pagedFeed[Rate]
}

// NewWorldServer checks cfg and returns the world's server.
func NewWorldServer(cfg WorldConfig) (*WorldServer, error) {
	w, err := newWorld(cfg)
	if err != nil {
		return nil, err
	}
	pcfg := w.provider
	pcfg.Token = w.token(record.KindProvider)
	s := &WorldServer{w: w, mux: http.NewServeMux(), provider: newProviderServer(pcfg, w.pfeed),
		wallet: newPagedFeed(newWalletFeed(w)), psp: newPagedFeed(newPSPFeed(w)),
		traffic: newPagedFeed(newTrafficFeed(w)), fx: newPagedFeed(newFXFeed(w))}
	limit := w.provider.PageSize
	s.mux.Handle("GET "+PathTransactions, s.provider)
	s.mux.Handle("GET "+PathTransactions+SummarySuffix, s.provider)
	s.mux.Handle("GET "+PathLedger, s.wallet.handler(w.token(record.KindWallet), limit))
	s.mux.Handle("GET "+PathSettlement, s.psp.handler(w.token(record.KindPSP), limit))
	s.mux.Handle("GET "+PathSettlement+SummarySuffix, summaryHandler(w.token(record.KindPSP), s.pspSummary))
	s.mux.Handle("GET "+PathEvents, s.traffic.handler(w.token(record.KindTraffic), limit))
	s.mux.Handle("GET "+PathRates, s.fx.handler(w.token(record.KindFX), limit))
	return s, nil
}

func (s *WorldServer) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Provider is the aggregator's feed, for its Stats.
func (s *WorldServer) Provider() *ProviderServer { return s.provider }

func (s *WorldServer) pspSummary(from, to time.Time) []DayTotal {
	t := tally{}
	s.psp.each(from, to, func(l PSPLine) { t.add(l.BookedAt, l.Currency, l.Type, l.Amount) })
	return t.sorted()
}

// The world's records of [from, to), in served order, for tests and the
// answer key; each builds what it needs and keeps nothing.

// WalletEntries lists the wallet's entries booked in [from, to).
func (s *WorldServer) WalletEntries(from, to time.Time) []WalletEntry {
	return collect(s.wallet, from, to)
}

// PSPLines lists the PSP's lines booked in [from, to).
func (s *WorldServer) PSPLines(from, to time.Time) []PSPLine { return collect(s.psp, from, to) }

// TrafficEvents lists the network's events of [from, to).
func (s *WorldServer) TrafficEvents(from, to time.Time) []TrafficEvent {
	return collect(s.traffic, from, to)
}

// Rates lists the rates of the days starting in [from, to).
func (s *WorldServer) Rates(from, to time.Time) []Rate { return collect(s.fx, from, to) }

// Transactions lists what the aggregator serves for [from, to).
func (s *WorldServer) Transactions(from, to time.Time) []Transaction {
	return GenerateTransactions(s.w.provider, from, to)
}

// Summary is the control totals the server answers for a kind's feed
// (provider or psp) over [from, to); nil for a kind without any.
func (s *WorldServer) Summary(kind string, from, to time.Time) []DayTotal {
	switch kind {
	case record.KindProvider:
		return s.provider.feed.summary(from, to)
	case record.KindPSP:
		return s.pspSummary(from, to)
	}
	return nil
}

func collect[T any](f *pagedFeed[T], from, to time.Time) []T {
	var out []T
	f.each(from, to, func(r T) { out = append(out, r) })
	return out
}

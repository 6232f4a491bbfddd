package sim

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// kstDay is a demo-casino gaming day: Asia/Seoul, cut-off 00:00.
var (
	kstFrom = time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC)
	kstTo   = kstFrom.Add(48 * time.Hour)
)

func testWorld(t testing.TB, breaks string) (WorldConfig, *WorldServer) {
	t.Helper()
	cfg := DefaultWorldConfig()
	cfg.Provider.RoundsPerDay, cfg.Provider.Players = 1500, 60
	cfg.PayoutCutoff = 15 * time.Hour
	var err error
	if cfg.Breaks, err = ParseBreaks(breaks); err != nil {
		t.Fatal(err)
	}
	s, err := NewWorldServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, s
}

// A world without breaks reconciles exactly: every game record has one
// mirror, every cash movement one PSP line, every batch pays its lines out
// net of fees, every first deposit is claimed, and the control totals are
// what the feeds serve.
func TestWorldWithoutBreaksAgrees(t *testing.T) {
	_, s := testWorld(t, "")
	txs, entries := s.Transactions(kstFrom, kstTo), s.WalletEntries(kstFrom, kstTo)
	byRef := map[string][]WalletEntry{}
	var firsts []WalletEntry
	for _, e := range entries {
		if e.BookedAt != nil {
			t.Fatalf("entry %s booked late in a world without breaks", e.EntryID)
		}
		switch {
		case e.ProviderTransactionID != "":
			byRef[e.ProviderTransactionID] = append(byRef[e.ProviderTransactionID], e)
		case e.PSPReference != "":
			byRef[e.PSPReference] = append(byRef[e.PSPReference], e)
		}
		if e.FirstDeposit {
			firsts = append(firsts, e)
		}
	}
	games := 0
	for _, tx := range txs {
		m := byRef[tx.TransactionID]
		if len(m) != 1 {
			t.Fatalf("provider %s has %d wallet mirrors", tx.TransactionID, len(m))
		}
		e, lag := m[0], m[0].CreatedAt.Sub(tx.Timestamp)
		if e.PlayerID != tx.PlayerID || e.Amount != tx.Amount || e.Currency != tx.Currency || e.Type != gameTypes[tx.Type] ||
			e.RollsBack != tx.RefTransactionID || e.RoundID != tx.RoundID || lag < 0 || lag > 3*time.Second ||
			e.CreatedAt.Truncate(time.Minute) != tx.Timestamp.Truncate(time.Minute) {
			t.Fatalf("mirror %+v of %+v", e, tx)
		}
		games++
	}
	checkPSP(t, s.PSPLines(kstFrom, kstTo), byRef)
	checkClaims(t, s.TrafficEvents(kstFrom, kstTo), firsts)
	if n := len(entries) - games; n == 0 || games != len(txs) {
		t.Errorf("%d entries for %d game records", len(entries), len(txs))
	}
	if rates := s.Rates(kstFrom, kstTo); len(rates) != 4 || rates[0].Date != "2026-11-01" || rates[3].Date != "2026-11-02" {
		t.Errorf("rates %+v", rates)
	}
	checkSummary(t, "provider", s.Summary("provider", kstFrom, kstTo), len(txs), func(add func(time.Time, string, string, int64)) {
		for _, tx := range txs {
			add(tx.Timestamp, tx.Currency, tx.Type, tx.Amount)
		}
	})
}

// checkPSP holds the PSP report to the wallet and to its own payouts.
func checkPSP(t *testing.T, lines []PSPLine, wallet map[string][]WalletEntry) {
	t.Helper()
	net, fees, payouts := map[string]int64{}, map[string]int64{}, map[string]PSPLine{}
	for _, l := range lines {
		if l.Type == PSPPayout {
			payouts[l.BatchID] = l
			continue
		}
		if !strings.HasSuffix(l.BatchID, l.Currency) || l.Fee <= 0 {
			t.Fatalf("line %+v", l)
		}
		fees[l.BatchID] += l.Fee
		switch l.Type {
		case PSPDeposit:
			net[l.BatchID] += l.Amount - l.Fee
		default:
			net[l.BatchID] -= l.Amount + l.Fee
		}
		if l.Type == PSPChargeback {
			continue
		}
		m := wallet[l.Reference]
		if len(m) != 1 || m[0].Amount != l.Amount || m[0].Currency != l.Currency || m[0].Type != l.Type ||
			m[0].PlayerID != l.PlayerID || m[0].CreatedAt.Truncate(time.Minute) != l.BookedAt.Truncate(time.Minute) {
			t.Fatalf("PSP line %+v has wallet entries %+v", l, m)
		}
	}
	if len(payouts) == 0 || len(payouts) != len(net) {
		t.Fatalf("%d payouts for %d batches", len(payouts), len(net))
	}
	for id, p := range payouts {
		if p.Amount != net[id] || p.Fee != fees[id] || p.Amount <= 0 {
			t.Errorf("batch %s pays %d (fee %d), its lines net %d (fees %d)", id, p.Amount, p.Fee, net[id], fees[id])
		}
	}
}

// checkClaims requires one claim per first deposit, for its player,
// amount and currency, and nothing else.
func checkClaims(t *testing.T, events []TrafficEvent, firsts []WalletEntry) {
	t.Helper()
	claims := map[string]TrafficEvent{}
	clicks := map[string]bool{}
	for _, e := range events {
		switch e.Type {
		case TrafficClick:
			clicks[e.EventID] = true
		case TrafficRegistration:
			if !clicks[e.ClickID] {
				t.Fatalf("registration %s of unknown click %s", e.EventID, e.ClickID)
			}
		case TrafficFTDClaim:
			claims[e.PlayerID] = e
		}
	}
	if len(firsts) == 0 || len(claims) != len(firsts) {
		t.Fatalf("%d claims for %d first deposits", len(claims), len(firsts))
	}
	for _, f := range firsts {
		c, ok := claims[f.PlayerID]
		if !ok || c.Amount != f.Amount || c.Currency != f.Currency || c.OccurredAt.Truncate(time.Minute) != f.CreatedAt.Truncate(time.Minute) {
			t.Errorf("first deposit %+v claimed as %+v", f, c)
		}
	}
}

func checkSummary(t *testing.T, kind string, got []DayTotal, records int, each func(func(time.Time, string, string, int64))) {
	t.Helper()
	want := tally{}
	each(want.add)
	if !reflect.DeepEqual(got, want.sorted()) {
		t.Errorf("%s summary %v, want %v", kind, got, want.sorted())
	}
	n := int64(0)
	for _, d := range got {
		n += d.Count
	}
	if n != int64(records) {
		t.Errorf("%s summary counts %d records, served %d", kind, n, records)
	}
}

func TestWorldDeterministicBySeed(t *testing.T) {
	cfg, a := testWorld(t, "all=0.02")
	_, b := testWorld(t, "all=0.02")
	if !reflect.DeepEqual(a.WalletEntries(kstFrom, kstTo), b.WalletEntries(kstFrom, kstTo)) ||
		!reflect.DeepEqual(a.PSPLines(kstFrom, kstTo), b.PSPLines(kstFrom, kstTo)) ||
		!reflect.DeepEqual(a.TrafficEvents(kstFrom, kstTo), b.TrafficEvents(kstFrom, kstTo)) {
		t.Fatal("same config served different records")
	}
	cfg.Provider.Seed++
	c, err := NewWorldServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a.PSPLines(kstFrom, kstTo), c.PSPLines(kstFrom, kstTo)) {
		t.Fatal("another seed served the same PSP report")
	}
}

func TestBreaksParse(t *testing.T) {
	b, err := ParseBreaks("missing_in_wallet=0.01, duplicate=0.5")
	if err != nil || b[MissingInWallet] != 0.01 || b[Duplicate] != 0.5 || len(b) != 2 {
		t.Fatalf("ParseBreaks = %v, %v", b, err)
	}
	if all, err := ParseBreaks("all=0.1"); err != nil || len(all) != len(BreakNames) || all.String() == "" {
		t.Fatalf("all: %v, %v", all, err)
	}
	for _, bad := range []string{"nope=0.1", "duplicate", "duplicate=2", "duplicate=x", "all=0.2"} {
		if _, err := ParseBreaks(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestWorldConfigChecked(t *testing.T) {
	for name, edit := range map[string]func(*WorldConfig){
		"fee":      func(c *WorldConfig) { c.PSPFeePercent = "2,5" },
		"base":     func(c *WorldConfig) { c.BaseCurrency = "XXX" },
		"late":     func(c *WorldConfig) { c.LateBy = time.Minute },
		"cut-off":  func(c *WorldConfig) { c.PayoutCutoff = 90 * time.Second },
		"currency": func(c *WorldConfig) { c.Provider.Currencies = []string{"KRW", "ZZZ"} },
	} {
		cfg := DefaultWorldConfig()
		edit(&cfg)
		if _, err := NewWorldServer(cfg); err == nil {
			t.Errorf("%s: bad config accepted", name)
		}
	}
}

func TestDecimal4(t *testing.T) {
	for v, want := range map[int64]string{1: "0.0001", 13_833_120: "1383.3120", 9_355: "0.9355", 10_000: "1.0000"} {
		if got := decimal4(v); got != want {
			t.Errorf("decimal4(%d) = %s, want %s", v, got, want)
		}
	}
	if _, err := strconv.ParseFloat(decimal4(123456), 64); err != nil {
		t.Error(err)
	}
}

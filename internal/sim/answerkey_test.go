package sim

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// every break at a rate that injects each a few times in two days.
const everyBreak = "all=0.02,fake_ftd=0.5,psp_fee_mismatch=0.5,missing_page=0.05,late_arrival=0.1"

// The answer key lists exactly the breaks injected: each is found here
// independently, by comparing what a broken world serves with what the
// same world serves without breaks.
func TestAnswerKeyListsExactlyWhatIsInjected(t *testing.T) {
	cfg, broken := testWorld(t, everyBreak)
	_, clean := testWorld(t, "")
	key, err := AnswerKey(cfg, kstFrom, kstTo)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, in := range key {
		if in.Expect == "" || in.Day == "" || in.Currency == "" || len(in.IDs) == 0 {
			t.Fatalf("incomplete entry %+v", in)
		}
		got[in.Break] = append(got[in.Break], in.IDs...)
	}
	want := injectedByDiff(t, broken, clean)
	for _, name := range BreakNames {
		g, w := slices.Sorted(slices.Values(got[name])), slices.Sorted(slices.Values(want[name]))
		if len(w) == 0 {
			t.Errorf("%s: nothing injected; raise its rate in the test", name)
		}
		if !slices.Equal(g, w) {
			t.Errorf("%s: key lists %v, the feeds show %v", name, g, w)
		}
	}
	if kinds := BreakKinds(key); len(kinds) != len(BreakNames) {
		t.Errorf("key has breaks %v", kinds)
	}
	var buf bytes.Buffer
	if err := WriteAnswerKey(&buf, cfg, kstFrom, kstTo); err != nil {
		t.Fatal(err)
	}
	var back []Injected
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || len(back) != len(key) {
		t.Fatalf("written key: %d entries, %v", len(back), err)
	}
}

// injectedByDiff names the defective records of each break from the
// differences between the two worlds' feeds over the test's range.
func injectedByDiff(t *testing.T, broken, clean *WorldServer) map[string][]string {
	t.Helper()
	want := map[string][]string{}
	in := func(at time.Time) bool { return !at.Before(kstFrom) && at.Before(kstTo) }
	// Late entries are booked up to two days on: look that far around.
	wide := func(f func(from, to time.Time) []WalletEntry) []WalletEntry {
		return f(kstFrom.Add(-72*time.Hour), kstTo.Add(72*time.Hour))
	}
	cleanEntries := map[string]WalletEntry{}
	for _, e := range wide(clean.WalletEntries) {
		cleanEntries[e.EntryID] = e
	}
	seen := map[string]int{}
	for _, e := range wide(broken.WalletEntries) {
		seen[e.EntryID]++
		c, known := cleanEntries[e.EntryID]
		switch {
		case e.BookedAt != nil:
			if in(e.CreatedAt) || in(*e.BookedAt) {
				want[LateArrival] = append(want[LateArrival], e.EntryID)
			}
		case !in(e.CreatedAt):
		case strings.HasSuffix(e.EntryID, "-g"):
			want[MissingInProvider] = append(want[MissingInProvider], e.ProviderTransactionID)
		case strings.HasSuffix(e.EntryID, "-d"):
			want[Duplicate] = append(want[Duplicate], e.EntryID)
		case !known:
			t.Fatalf("entry %s is in no clean feed", e.EntryID)
		case seen[e.EntryID] == 2:
			want[ConflictingDuplicate] = append(want[ConflictingDuplicate], e.EntryID)
		case e.Amount != c.Amount:
			want[AmountMismatch] = append(want[AmountMismatch], e.EntryID)
		case e.Currency != c.Currency:
			want[CurrencyMismatch] = append(want[CurrencyMismatch], e.EntryID)
		}
	}
	for id, e := range cleanEntries {
		if seen[id] == 0 && in(e.CreatedAt) {
			want[MissingInWallet] = append(want[MissingInWallet], id)
		}
	}
	want[OrphanRollback], want[MissingPage] = providerDiff(t, broken, clean)
	cleanLines := map[string]PSPLine{}
	for _, l := range clean.PSPLines(kstFrom, kstTo) {
		cleanLines[l.LineID] = l
	}
	for _, l := range broken.PSPLines(kstFrom, kstTo) {
		if l.Fee != cleanLines[l.LineID].Fee {
			want[PSPFeeMismatch] = append(want[PSPFeeMismatch], l.LineID)
		}
	}
	for _, e := range broken.TrafficEvents(kstFrom, kstTo) {
		if strings.HasSuffix(e.EventID, "-x") {
			want[FakeFTD] = append(want[FakeFTD], e.EventID)
		}
	}
	return want
}

// providerDiff finds orphan rollbacks (served by the broken feed, not the
// clean one) and the records missing pages lose (served by the broken
// feed without its missing pages, not with them).
func providerDiff(t *testing.T, broken, clean *WorldServer) (orphans, lost []string) {
	t.Helper()
	cfg := broken.w.WorldConfig
	cfg.Breaks = Breaks{}
	for k, v := range broken.w.Breaks {
		if k != MissingPage {
			cfg.Breaks[k] = v
		}
	}
	whole, err := NewWorldServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, tx := range broken.Transactions(kstFrom, kstTo) {
		served[tx.TransactionID] = true
		if strings.HasSuffix(tx.TransactionID, "-o") {
			orphans = append(orphans, tx.TransactionID)
		}
	}
	known := map[string]bool{}
	for _, tx := range clean.Transactions(kstFrom, kstTo) {
		known[tx.TransactionID] = true
	}
	for _, tx := range whole.Transactions(kstFrom, kstTo) {
		if !served[tx.TransactionID] {
			lost = append(lost, tx.TransactionID)
		}
		if !known[tx.TransactionID] && !strings.HasSuffix(tx.TransactionID, "-o") {
			t.Fatalf("record %s is neither the clean feed's nor an orphan", tx.TransactionID)
		}
	}
	return orphans, lost
}

// Each missing page shows in the control totals: the provider's summary
// exceeds what it serves by exactly the key's missing_page groups.
func TestMissingPageShowsInControlTotals(t *testing.T) {
	cfg, s := testWorld(t, "missing_page=0.05")
	key, err := AnswerKey(cfg, kstFrom, kstTo)
	if err != nil {
		t.Fatal(err)
	}
	served := tally{}
	for _, tx := range s.Transactions(kstFrom, kstTo) {
		served.add(tx.Timestamp, tx.Currency, tx.Type, tx.Amount)
	}
	gaps := map[totalKey][2]int64{}
	for _, d := range s.Summary("provider", kstFrom, kstTo) {
		k := totalKey{d.Day, d.Currency, d.Type}
		var c, a int64
		if got, ok := served[k]; ok {
			c, a = got.Count, got.Amount
		}
		if d.Count != c {
			gaps[k] = [2]int64{d.Count - c, d.Amount - a}
		}
	}
	want := map[totalKey][2]int64{}
	for _, in := range key {
		want[totalKey{in.Day, in.Currency, in.Type}] = [2]int64{int64(in.Count), in.Amount}
	}
	if len(want) == 0 || !reflect.DeepEqual(gaps, want) {
		t.Fatalf("control totals exceed the feed by %v, the key says %v", gaps, want)
	}
}

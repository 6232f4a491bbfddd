package sim

import (
	"reflect"
	"testing"
	"time"
)

var (
	day0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	day3 = day0.Add(3 * 24 * time.Hour)
)

func TestGenerateDeterministic(t *testing.T) {
	cfg := DefaultProviderConfig()
	a := GenerateTransactions(cfg, day0, day3)
	b := GenerateTransactions(cfg, day0, day3)
	if len(a) == 0 || !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed gave different feeds (len %d vs %d)", len(a), len(b))
	}
	cfg.Seed = 43
	if reflect.DeepEqual(a, GenerateTransactions(cfg, day0, day3)) {
		t.Fatal("different seed gave the same feed")
	}
}

func TestGenerateSubRangeIsFilterOfFullRange(t *testing.T) {
	cfg := DefaultProviderConfig()
	full := GenerateTransactions(cfg, day0, day3)
	for _, r := range [][2]time.Time{
		{day0.Add(24 * time.Hour), day0.Add(48 * time.Hour)},
		{day0.Add(30 * time.Hour), day0.Add(31 * time.Hour)},
		{day0.Add(47*time.Hour + 59*time.Minute), day3},
	} {
		var want []Transaction
		for _, tx := range full {
			if !tx.Timestamp.Before(r[0]) && tx.Timestamp.Before(r[1]) {
				want = append(want, tx)
			}
		}
		got := GenerateTransactions(cfg, r[0], r[1])
		if !reflect.DeepEqual(got, want) {
			t.Errorf("sub-range %v..%v: got %d records, want %d", r[0], r[1], len(got), len(want))
		}
	}
}

func TestGenerateShape(t *testing.T) {
	cfg := DefaultProviderConfig()
	txs := GenerateTransactions(cfg, day0, day3)
	byID := map[string]Transaction{}
	playerCur := map[string]string{}
	var bets, wins, rollbacks int
	ggr := map[string]int64{}
	for i, tx := range txs {
		if i > 0 && refLessTx(tx, txs[i-1]) {
			t.Fatalf("not sorted at %d", i)
		}
		if _, dup := byID[tx.TransactionID]; dup {
			t.Fatalf("duplicate id %s", tx.TransactionID)
		}
		byID[tx.TransactionID] = tx
		if c, ok := playerCur[tx.PlayerID]; ok && c != tx.Currency {
			t.Fatalf("player %s changed currency %s -> %s", tx.PlayerID, c, tx.Currency)
		}
		playerCur[tx.PlayerID] = tx.Currency
		if tx.Timestamp.Location() != time.UTC || tx.Timestamp.Before(day0) || !tx.Timestamp.Before(day3) {
			t.Fatalf("timestamp %v not UTC in period", tx.Timestamp)
		}
		switch tx.Type {
		case TypeBet:
			bets++
			ggr[tx.Currency] += tx.Amount
			lo, hi := int64(10), int64(10000)
			if tx.Currency == "KRW" {
				lo, hi = 1000, 100000
			}
			if tx.Amount < lo || tx.Amount > hi {
				t.Fatalf("bet %d %s out of range", tx.Amount, tx.Currency)
			}
		case TypeWin:
			wins++
			ggr[tx.Currency] -= tx.Amount
		case TypeRollback:
			rollbacks++
			ggr[tx.Currency] -= tx.Amount
			bet, ok := byID[tx.RefTransactionID]
			if !ok || bet.Type != TypeBet || bet.Amount != tx.Amount {
				t.Fatalf("rollback %s does not match its bet %+v", tx.TransactionID, bet)
			}
		default:
			t.Fatalf("unexpected type %q", tx.Type)
		}
	}
	if bets != 3*cfg.RoundsPerDay {
		t.Errorf("bets = %d, want %d", bets, 3*cfg.RoundsPerDay)
	}
	if wins < bets/3 || wins > bets/2 || rollbacks < bets/100 || rollbacks > bets/25 {
		t.Errorf("implausible mix: %d bets, %d wins, %d rollbacks", bets, wins, rollbacks)
	}
	for cur, g := range ggr {
		if g <= 0 {
			t.Errorf("GGR %s = %d, want positive", cur, g)
		}
	}
	if len(ggr) != 3 {
		t.Errorf("currencies used: %v", ggr)
	}
}

func TestInvalidRecords(t *testing.T) {
	cfg := DefaultProviderConfig()
	cfg.Faults.InvalidEvery = 10
	from, to := day0.Add(6*time.Hour), day3
	all := GenerateTransactions(cfg, from, to)
	valid := ExpectedValid(cfg, from, to)
	bad := InjectedInvalid(cfg, from, to)
	if len(all) != len(valid)+len(bad) {
		t.Fatalf("all %d != valid %d + invalid %d", len(all), len(valid), len(bad))
	}
	if got, want := len(bad), len(all)/10; got < want-3 || got > want+3 {
		t.Errorf("invalid = %d, want about %d", got, want)
	}
	kinds := map[string]int{}
	for _, b := range bad {
		kinds[b.Kind]++
		switch b.Kind {
		case InvalidCurrency:
			ok(t, b.Currency == "XXX", b)
		case InvalidNegative:
			ok(t, b.Amount < 0, b)
		case InvalidOutOfPeriod:
			ok(t, b.Timestamp.Before(from) && !b.Timestamp.Add(outOfPeriodShift).Before(from) && b.Timestamp.Add(outOfPeriodShift).Before(to), b)
		case InvalidDanglingRef:
			ok(t, b.Type == TypeRollback && b.RefTransactionID != "", b)
		case InvalidMissingID:
			ok(t, b.TransactionID == "", b)
		case InvalidType:
			ok(t, b.Type == "bonus", b)
		}
	}
	if len(kinds) != len(invalidKinds) {
		t.Errorf("kinds seen: %v", kinds)
	}
	clean := cfg
	clean.Faults.InvalidEvery = 0
	if !reflect.DeepEqual(valid, GenerateTransactions(clean, from, to)) {
		t.Error("invalid records disturbed the valid ones")
	}
}

func ok(t *testing.T, cond bool, b InvalidTransaction) {
	t.Helper()
	if !cond {
		t.Errorf("%s record not corrupted as expected: %+v", b.Kind, b.Transaction)
	}
}

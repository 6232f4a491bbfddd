package provider

import (
	"testing"
	"time"
)

func TestHashStableAndSensitive(t *testing.T) {
	base := Record{
		TransactionID: "t-1", RoundID: "r-1", PlayerID: "p-1", GameCode: "slot-dragon",
		Type: "rollback", Currency: "KRW", RefTransactionID: "t-0", Amount: 1500,
		Timestamp: time.Date(2026, 11, 1, 3, 4, 5, 0, time.UTC),
	}
	h := Hash(base)
	// Pinned so an accidental change to the canonical encoding fails loudly:
	// stored hashes would stop matching re-fetched records.
	const pinned = "9f1eef61351436584f96519fff07fbf3628eebe8d9a391603abc46270017c004"
	if h != pinned {
		t.Errorf("Hash = %s, want pinned %s", h, pinned)
	}
	withHash := base
	withHash.Hash = "ignored"
	if Hash(withHash) != h {
		t.Error("Hash must ignore the Hash field")
	}
	offset := base
	offset.Timestamp = base.Timestamp.In(time.FixedZone("KST", 9*3600))
	if Hash(offset) != h {
		t.Error("the same instant in another zone must hash the same")
	}

	variants := map[string]func(*Record){
		"id":        func(r *Record) { r.TransactionID = "t-2" },
		"round":     func(r *Record) { r.RoundID = "r-2" },
		"player":    func(r *Record) { r.PlayerID = "p-2" },
		"game":      func(r *Record) { r.GameCode = "slot-wolf" },
		"type":      func(r *Record) { r.Type = "bet" },
		"currency":  func(r *Record) { r.Currency = "USD" },
		"ref":       func(r *Record) { r.RefTransactionID = "t-9" },
		"amount":    func(r *Record) { r.Amount = 1501 },
		"sign":      func(r *Record) { r.Amount = -1500 },
		"timestamp": func(r *Record) { r.Timestamp = r.Timestamp.Add(time.Nanosecond) },
		// Length prefixes keep a boundary shift from colliding.
		"shifted": func(r *Record) { r.RoundID, r.PlayerID = "r-1p", "-1" },
	}
	seen := map[string]string{h: "base"}
	for name, mutate := range variants {
		r := base
		mutate(&r)
		got := Hash(r)
		if prev, dup := seen[got]; dup {
			t.Errorf("%s hashes the same as %s", name, prev)
		}
		seen[got] = name
	}
}

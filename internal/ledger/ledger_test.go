package ledger

import (
	"math/rand"
	"testing"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/settle"
)

func TestSettlementEntryBalancesAndReverses(t *testing.T) {
	shares := []settle.Share{
		{Partner: "acme", Currency: "KRW", GGR: 1000, PartnerAmount: 125, OperatorAmount: 875},
		{Partner: "acme", Currency: "USD", GGR: -500, PartnerAmount: 0, OperatorAmount: -500},
	}
	e, err := SettlementEntry(uuid.New(), uuid.New(), "test", shares)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Lines) != 5 {
		t.Fatalf("lines = %d, want 5 (zero fee left out): %+v", len(e.Lines), e.Lines)
	}
	r := e.Reversal(uuid.New(), "undo")
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	all := append(append([]Line{}, e.Lines...), r.Lines...)
	for cur, sum := range Balance(all) {
		if sum != 0 {
			t.Errorf("%s: entry plus reversal sums to %d", cur, sum)
		}
	}
	if r.Reverses == nil || *r.Reverses != e.ID || r.Kind != KindReversal {
		t.Errorf("reversal does not point at the entry: %+v", r)
	}
}

func TestSettlementEntryRefusesInconsistentShare(t *testing.T) {
	_, err := SettlementEntry(uuid.New(), uuid.New(), "bad", []settle.Share{{Partner: "p", Currency: "USD", GGR: 10, PartnerAmount: 2, OperatorAmount: 7}})
	if err == nil {
		t.Fatal("expected an error for parts that do not sum to GGR")
	}
}

func TestValidate(t *testing.T) {
	id := uuid.New()
	cases := map[string]Entry{
		"empty":          {ID: id},
		"zero line":      {ID: id, Lines: []Line{{"a", "USD", 0}}},
		"unbalanced":     {ID: id, Lines: []Line{{"a", "USD", 5}, {"b", "USD", -4}}},
		"cross-currency": {ID: id, Lines: []Line{{"a", "USD", 5}, {"b", "EUR", -5}}},
	}
	for name, e := range cases {
		if err := e.Validate(); err == nil {
			t.Errorf("%s: expected an error", name)
		}
	}
}

func TestRandomSharesAlwaysBalance(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 1000; i++ {
		var shares []settle.Share
		for _, cur := range []string{"KRW", "USD", "KWD"} {
			ggr := rng.Int63n(2_000_000_000) - 1_000_000_000
			fee := ggr / int64(rng.Intn(20)+2)
			shares = append(shares, settle.Share{Partner: "p", Currency: cur, GGR: ggr, PartnerAmount: fee, OperatorAmount: ggr - fee})
		}
		e, err := SettlementEntry(uuid.New(), uuid.New(), "rand", shares)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		for cur, sum := range Balance(e.Lines) {
			if sum != 0 {
				t.Fatalf("case %d: %s sums to %d", i, cur, sum)
			}
		}
	}
}

func TestAdjustmentEntryBalancesEitherWay(t *testing.T) {
	for _, diff := range []int64{250, -250} {
		e, err := AdjustmentEntry(uuid.New(), uuid.New(), "adjust", "KRW", diff, "wallet")
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind != KindAdjustment || e.Lines[0].Account != SourceClearing("wallet") || e.Lines[0].Amount != diff || Balance(e.Lines)["KRW"] != 0 {
			t.Errorf("difference %d: %+v", diff, e)
		}
	}
	if _, err := AdjustmentEntry(uuid.New(), uuid.New(), "adjust", "KRW", 0, "wallet"); err == nil {
		t.Error("an adjustment of nothing was built")
	}
}

func TestPayableOf(t *testing.T) {
	if p, ok := PayableOf(PartnerPayable("acme-games")); !ok || p != "acme-games" {
		t.Errorf("PayableOf(PartnerPayable(acme-games)) = %q, %v", p, ok)
	}
	for _, acct := range []string{AccountRevenue, AccountGGRClearing, "partner::payable", "partner:x:receivable"} {
		if p, ok := PayableOf(acct); ok {
			t.Errorf("PayableOf(%q) = %q", acct, p)
		}
	}
}

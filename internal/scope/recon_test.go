package scope

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/recon"
)

// reconScope has one source of every kind and the usual pairs.
const reconScope = `
scope: kr-casino
calendar: {frequency: daily, timezone: Asia/Seoul}
sources:
  - {name: aggregator, kind: provider, partner: acme}
  - {name: wallet, kind: wallet, partner: acme}
  - {name: psp, kind: psp, partner: acme}
  - {name: traffic, kind: traffic, partner: acme}
  - {name: rates, kind: fx, partner: acme}
agreements: [acme]
reconciliation:
  reporting_currency: USD
  rates: {KRW: 1385.25, EUR: "0.92"}
  gate: {open_above: 0, amount_above: 100000, action: block}
  pairs:
    - name: games
      left: {source: aggregator, key: external_id}
      right: {source: wallet, key: reference_id}
      shape: "1:1"
      types: {bet: bet_debit, win: win_credit, rollback: rollback_credit}
      compare: [amount, currency, type, time]
      tolerance: {window: 5m}
      authoritative: left
    - name: cash
      left: {source: wallet, key: reference_id}
      right: {source: psp, key: reference_id}
      shape: "1:1"
      types: {deposit: deposit, withdrawal: withdrawal}
      compare: [amount, currency]
      authoritative: right
    - name: payouts
      left: {source: psp, key: attrs.batch_id}
      right: {source: psp, key: reference_id}
      shape: "N:1"
      types: {deposit: payout, withdrawal: payout, chargeback: payout}
      net: {negate: [withdrawal, chargeback], fee_attr: fee}
      compare: [amount, currency]
      tolerance: {absolute: {KRW: 100, USD: 1}}
      authoritative: right
    - name: ftd
      left: {source: traffic, key: reference_id}
      right: {source: wallet, key: player, where: {first_deposit: "true"}}
      shape: "1:1"
      types: {ftd_claim: deposit}
      compare: [amount, currency]
      tolerance: {percent: 2.5}
      authoritative: right
      require: [left]
`

func TestParseReconciliation(t *testing.T) {
	s, err := Parse([]byte(reconScope))
	if err != nil {
		t.Fatal(err)
	}
	c := s.Reconciliation
	if c.ReportingCurrency != "USD" || c.Rates["KRW"].RatString() != "5541/4" || c.Gate.Action != recon.GateBlock ||
		*c.Gate.CountAbove != 0 || *c.Gate.AmountAbove != 100000 || len(c.Pairs) != 4 {
		t.Fatalf("config = %+v", c)
	}
	games := c.Pairs[0]
	wantTypes := []recon.TypeMap{{Left: "bet", Right: "bet_debit"}, {Left: "win", Right: "win_credit"}, {Left: "rollback", Right: "rollback_credit"}}
	if !reflect.DeepEqual(games.Types, wantTypes) || games.Tolerance.Window != 5*time.Minute || !games.Compare.Time ||
		!reflect.DeepEqual(games.Require, []string{recon.Left, recon.Right}) {
		t.Errorf("games = %+v", games)
	}
	payouts := c.Pairs[2]
	if payouts.Shape != recon.ManyToOne || payouts.Net.FeeAttr != "fee" || payouts.Tolerance.Absolute["KRW"] != 100 ||
		!reflect.DeepEqual(payouts.ManyTypes(), []string{"deposit", "withdrawal", "chargeback"}) || payouts.TallyType(recon.Left, "deposit") != "payout" {
		t.Errorf("payouts = %+v", payouts)
	}
	ftd := c.Pairs[3]
	if ftd.Tolerance.Percent.String() != "2.5%" || ftd.Requires(recon.Right) || ftd.Right.Where["first_deposit"] != "true" {
		t.Errorf("ftd = %+v", ftd)
	}
}

// Without the section no pairs are reconciled, and the approval gate takes
// the conflicting duplicates.
func TestReconciliationDefaults(t *testing.T) {
	s, err := Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Reconciliation; len(c.Pairs) != 0 || c.Gate.Action != recon.GateApprove || c.Gate.CountAbove != nil {
		t.Errorf("defaults = %+v", c)
	}
}

func TestReconciliationErrors(t *testing.T) {
	cases := []struct{ old, new, want string }{
		{"source: aggregator, key: external_id", "source: nowhere, key: external_id", `pairs[0] games (line 16): left: source "nowhere" is not a source`},
		{`shape: "N:1"`, `shape: "2:2"`, `shape "2:2"`},
		{"absolute: {KRW: 100, USD: 1}", "absolute: {KRW: 100.5}", `"100.5" is not a whole number`},
		{"percent: 2.5", "percent: 250", "above 100"},
		{"compare: [amount, currency, type, time]", "compare: [amount, colour]", `"colour"`},
		{"compare: [amount, currency]\n      authoritative: right\n    - name: payouts", "compare: [amount]\n      authoritative: right\n    - name: payouts", "compare currency too"},
		{"authoritative: left", "authoritative: both", `authoritative "both"`},
		{"net: {negate: [withdrawal, chargeback], fee_attr: fee}", "net: {negate: [payout]}", `"payout" is not a type of the many side`},
		{"types: {deposit: payout, withdrawal: payout, chargeback: payout}", "types: {deposit: payout, withdrawal: deposit}", "single type"},
		{"action: block", "action: wait", `action "wait"`},
		{"reporting_currency: USD", "reporting_currency: XXX", `"XXX" is not a known`},
		{"rates: {KRW: 1385.25", "rates: {KRW: -1385.25", "rates.KRW (line 13)"},
		{"window: 5m", "window: soon", `"soon" is not a Go duration`},
		{"- name: cash", "- name: games", `name "games" is used by another pair`},
		{"key: attrs.batch_id", "key: amount", `key "amount"`},
		{"tolerance: {window: 5m}", "tolerance: {window: 5m, fuzz: 1}", "field fuzz not found"},
	}
	for _, tc := range cases {
		doc := strings.Replace(reconScope, tc.old, tc.new, 1)
		if doc == reconScope {
			t.Fatalf("case %q changes nothing", tc.want)
		}
		_, err := Parse([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s → %s: got %v, want %q", tc.old, tc.new, err, tc.want)
		}
	}
}

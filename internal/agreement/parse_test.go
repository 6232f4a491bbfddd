package agreement

import (
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/money"
)

const acme = `
partner: acme-games          # partner id
name: Acme Games Ltd.
kind: provider_fee
versions:
  - version: 1
    effective_from: 2026-01-01
    fee_percent: "12.5"
    rounding: half_even
    negative_ggr: zero
    currencies: [KRW, USD, EUR]
  - version: 2
    effective_from: 2026-12-01
    fee_percent: "11"
    rounding: half_up
    negative_ggr: charge
`

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParse(t *testing.T) {
	a, err := Parse([]byte(acme))
	if err != nil {
		t.Fatal(err)
	}
	if a.Partner != "acme-games" || a.Name != "Acme Games Ltd." || a.Kind != KindProviderFee {
		t.Errorf("header = %q %q %q", a.Partner, a.Name, a.Kind)
	}
	if len(a.Versions) != 2 {
		t.Fatalf("got %d versions", len(a.Versions))
	}
	v1, v2 := a.Versions[0], a.Versions[1]
	if v1.Number != 1 || !v1.EffectiveFrom.Equal(date(2026, 1, 1)) || v1.EffectiveFrom.Location() != time.UTC {
		t.Errorf("v1 = %+v", v1)
	}
	if v1.FeePercent.String() != "12.5%" || v1.Rounding != money.HalfEven || v1.NegativeGGR != NegativeGGRZero {
		t.Errorf("v1 terms = %s %s %s", v1.FeePercent, v1.Rounding, v1.NegativeGGR)
	}
	if strings.Join(v1.Currencies, ",") != "KRW,USD,EUR" {
		t.Errorf("v1 currencies = %v", v1.Currencies)
	}
	if v2.Number != 2 || !v2.EffectiveFrom.Equal(date(2026, 12, 1)) || v2.FeePercent.String() != "11%" ||
		v2.Rounding != money.HalfUp || v2.NegativeGGR != NegativeGGRCharge || v2.Currencies != nil {
		t.Errorf("v2 = %+v", v2)
	}
}

func TestParseUnquotedValues(t *testing.T) {
	// Quoting is recommended, but the decoder gives us the literal text, so
	// an unquoted number or a quoted date parse exactly the same.
	doc := strings.Replace(acme, `fee_percent: "12.5"`, `fee_percent: 12.50`, 1)
	doc = strings.Replace(doc, `effective_from: 2026-01-01`, `effective_from: "2026-01-01"`, 1)
	a, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Versions[0].FeePercent.String(); got != "12.5%" {
		t.Errorf("fee = %s", got)
	}
	if !a.Versions[0].EffectiveFrom.Equal(date(2026, 1, 1)) {
		t.Errorf("effective_from = %s", a.Versions[0].EffectiveFrom)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"typo key", "negative_ggr: zero\n    currencies", "negative_gr: zero\n    currencies", "negative_gr"},
		{"typo top-level", "kind: provider_fee", "knd: provider_fee", "knd"},
		{"bad partner", "partner: acme-games", "partner: Acme_Games", `partner "Acme_Games"`},
		{"missing name", "name: Acme Games Ltd.", "", "name: required"},
		{"bad kind", "kind: provider_fee", "kind: affiliate", `kind "affiliate": want one of provider_fee, psp_fee, affiliate_commission`},
		{"negative_ggr outside provider fees", "kind: provider_fee", "kind: psp_fee", `negative_ggr "zero": applies to provider_fee agreements only`},
		{"bad fee", `fee_percent: "11"`, `fee_percent: "abc"`, `version 2: fee_percent "abc"`},
		{"fee over 100", `fee_percent: "11"`, `fee_percent: "150"`, `version 2: fee_percent "150"`},
		{"negative fee", `fee_percent: "11"`, `fee_percent: "-1"`, `version 2: fee_percent "-1"`},
		{"missing fee", `fee_percent: "11"`, ``, `version 2: fee_percent ""`},
		{"float exponent", `fee_percent: "11"`, `fee_percent: 1.1e1`, `version 2: fee_percent "1.1e1"`},
		{"bad rounding", "rounding: half_up", "rounding: nearest", `version 2: rounding: unknown rounding mode "nearest"`},
		{"missing rounding", "rounding: half_up", "", "version 2: rounding: required"},
		{"bad negative_ggr", "negative_ggr: charge", "negative_ggr: credit", `version 2: negative_ggr "credit"`},
		{"bad date", "effective_from: 2026-12-01", "effective_from: 2026-13-01", `version 2: effective_from "2026-13-01"`},
		{"datetime", "effective_from: 2026-12-01", "effective_from: 2026-12-01T05:00:00Z", `version 2: effective_from`},
		{"unknown currency", "[KRW, USD, EUR]", "[KRW, XYZ]", `version 1: currencies: unknown currency "XYZ"`},
		{"duplicate currency", "[KRW, USD, EUR]", "[KRW, KRW]", `"KRW" listed twice`},
		{"number not increasing", "version: 2", "version: 1", "version 1: number must be greater than the previous version 1"},
		{"date not increasing", "effective_from: 2026-12-01", "effective_from: 2026-01-01", "version 2: effective_from 2026-01-01 must be after version 1's 2026-01-01"},
		{"date going back", "effective_from: 2026-12-01", "effective_from: 2025-12-01", "version 2: effective_from 2025-12-01"},
		{"zero version", "version: 1", "version: 0", "version 0: version: must be a positive number"},
		{"second document", "negative_ggr: charge\n", "negative_ggr: charge\n---\npartner: other\n", "more than one YAML document"},
		{"wrong type", "version: 2", "version: two", "decode"},
	}
	for _, tt := range tests {
		doc := strings.Replace(acme, tt.from, tt.to, 1)
		if doc == acme {
			t.Fatalf("%s: replacement %q not found", tt.name, tt.from)
		}
		_, err := Parse([]byte(doc))
		if err == nil {
			t.Errorf("%s: want error containing %q", tt.name, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q does not contain %q", tt.name, err, tt.want)
		}
	}
}

func TestParseEmpty(t *testing.T) {
	for _, doc := range []string{"", "# only a comment\n", "partner: x\nname: X\nkind: provider_fee\n"} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("Parse(%q): want error", doc)
		}
	}
}

// A PSP's and an affiliate network's agreements carry the same dated
// terms, without the provider's negative GGR rule.
func TestParseOtherKinds(t *testing.T) {
	for _, kind := range []string{KindPSPFee, KindAffiliateCommission} {
		a, err := Parse([]byte("partner: p\nname: P\nkind: " + kind + "\nversions:\n  - version: 1\n    effective_from: 2026-01-01\n" +
			"    fee_percent: \"2.5\"\n    rounding: half_even\n"))
		if err != nil || a.Kind != kind || a.Versions[0].FeePercent.String() != "2.5%" || a.Versions[0].NegativeGGR != "" {
			t.Errorf("%s: %+v, %v", kind, a, err)
		}
	}
}

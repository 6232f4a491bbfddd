package statement

import (
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/settle"
)

func TestRenderIsStableAndCovers(t *testing.T) {
	s := Statement{CycleID: "c1", Scope: "demo", Period: "2026-11-01", PeriodStart: time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC),
		PeriodEnd: time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC), Revision: 1, Partner: "acme",
		Lines: []settle.Share{{Currency: "KRW", GGR: 1000, PartnerAmount: 125, OperatorAmount: 875, AgreementVersion: 1, Explanation: "a, with comma"}}}
	a, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Render(s)
	if a.SHA256 != b.SHA256 || len(a.SHA256) != 64 {
		t.Fatalf("hash not stable: %s vs %s", a.SHA256, b.SHA256)
	}
	if !strings.Contains(a.CSV, `"a, with comma"`) || !strings.Contains(a.CSV, "KRW,1000,125,875,1") {
		t.Errorf("csv = %q", a.CSV)
	}
	s.Lines[0].PartnerAmount = 126
	c, _ := Render(s)
	if c.SHA256 == a.SHA256 {
		t.Error("hash did not change with content")
	}
}

// A statement whose figures came partly from a fallback says so in both
// forms; the same statement without says nothing of it.
func TestStatementMarksFallbackFigures(t *testing.T) {
	s := Statement{CycleID: "c", Scope: "demo-casino", Period: "2026-11-01", Partner: "acme-games",
		Lines: Lines{{Partner: "acme-games", Currency: "USD", GGR: 100, PartnerAmount: 12, OperatorAmount: 88, AgreementVersion: 1}}}
	plain, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	s.FromFallback = []FallbackNote{{Source: "aggregator", Fallback: "wallet"}}
	marked, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(plain.JSON)+plain.CSV, "fallback") {
		t.Errorf("a plain statement mentions fallbacks:\n%s\n%s", plain.JSON, plain.CSV)
	}
	if !strings.Contains(string(marked.JSON), `"figures_from_fallback": [`) || !strings.Contains(string(marked.JSON), `"fallback": "wallet"`) ||
		!strings.Contains(marked.CSV, ",figures_from_fallback\n") || !strings.Contains(marked.CSV, ",aggregator from wallet\n") ||
		marked.SHA256 == plain.SHA256 {
		t.Errorf("marked statement:\n%s\n%s", marked.JSON, marked.CSV)
	}
}

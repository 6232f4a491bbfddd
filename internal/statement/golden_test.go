package statement

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/settle"
)

// goldenStatements are fixed statements whose rendering was recorded in
// testdata when statement lines had their own type. Published statements
// are hashed, so these bytes must never change: a difference here means
// partners holding an old statement could no longer check its hash.
func goldenStatements() map[string]Statement {
	start := time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC)
	return map[string]Statement{
		"full": {CycleID: "0b9e6f4e-3c1a-5d7e-8f20-6a4b2c1d0e9f", Scope: "demo-casino", Period: "2026-11-01",
			PeriodStart: start, PeriodEnd: start.Add(24 * time.Hour), Revision: 2, Partner: "acme-games",
			Lines: []settle.Share{
				{Currency: "EUR", GGR: 12, PartnerAmount: 2, OperatorAmount: 10, AgreementVersion: 3,
					Explanation: "GGR 0.12 EUR × 12.5% (half_even) = 0.02 EUR provider fee"},
				{Currency: "KRW", GGR: -200000, PartnerAmount: 0, OperatorAmount: -200000, AgreementVersion: 3,
					Explanation: "GGR -200000 KRW is not positive and negative GGR is not charged (negative_ggr: zero) = 0 KRW provider fee"},
				{Currency: "USD", GGR: -1005, PartnerAmount: -101, OperatorAmount: -904, AgreementVersion: 3,
					Explanation: "a \"quoted\", <tagged> & multi-line\nexplanation, a credit to the operator"},
				{Currency: "XTS"},
			}},
		"no-lines": {CycleID: "c-empty", Scope: "s", Period: "2026-11-02", PeriodStart: start, PeriodEnd: start,
			Revision: 1, Partner: "nobody"},
	}
}

func TestRenderMatchesPublishedBytes(t *testing.T) {
	for name, s := range goldenStatements() {
		r, err := Render(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for ext, got := range map[string]string{".json": string(r.JSON), ".csv": r.CSV, ".sha256": r.SHA256 + "\n"} {
			want, err := os.ReadFile(filepath.Join("testdata", name+ext))
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s%s changed:\n got %q\nwant %q", name, ext, got, want)
			}
		}
	}
}

// TestRenderLeavesOutLinePartner: shares as the store loads them name their
// partner, which the statement states once in its header, not per line.
func TestRenderLeavesOutLinePartner(t *testing.T) {
	s := goldenStatements()["full"]
	want, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	s.Lines = append(Lines(nil), s.Lines...)
	for i := range s.Lines {
		s.Lines[i].Partner = s.Partner
	}
	got, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	if got.SHA256 != want.SHA256 {
		t.Errorf("a line's partner changed the statement:\n%s", got.JSON)
	}
}

// TestLinesRoundTrip: a stored statement reads back into the shares it was
// rendered from, less the per-line partner.
func TestLinesRoundTrip(t *testing.T) {
	for name, s := range goldenStatements() {
		r, err := Render(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Statement
		if err := json.Unmarshal(r.JSON, &back); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(back, s) {
			t.Errorf("%s read back as\n%+v\nwant\n%+v", name, back, s)
		}
	}
}

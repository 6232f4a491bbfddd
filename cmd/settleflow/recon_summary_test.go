package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/internal/testenv"
)

// The demo's reconciliation lines: the matched share, the breaks by kind
// with what the open ones are worth, the five most urgent and where to
// resolve them.
func TestReconSummary(t *testing.T) {
	ctx := context.Background()
	st, _ := testenv.Database(t)
	c := testenv.ReconciledCycle(t, ctx, st)
	var out bytes.Buffer
	if err := printReconSummary(ctx, &out, st, c.ID, c.WorkflowID, activities.ReconcileResult{ReportingCurrency: "KRW"}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"0 of 17 records met their counterpart (0.0%)",
		"open 10 worth",
		"MISSING_RIGHT 3 (3 open, 3000 KRW)",
		"AMOUNT_MISMATCH 4 (4 open, 400 KRW)",
		"CURRENCY_MISMATCH 3 (3 open,",
		"discrepancy list --cycle " + c.WorkflowID,
		"a agg record missing in wallet · worth 1000 KRW",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n    "); n != topBreaks {
		t.Errorf("%d breaks named, want the %d most urgent:\n%s", n, topBreaks, got)
	}
}

func TestPercentAndThousands(t *testing.T) {
	for _, c := range []struct {
		part, whole int64
		want        string
	}{{0, 0, "—"}, {0, 17, "0.0%"}, {14181, 14273, "99.4%"}, {1, 3, "33.3%"}, {2, 3, "66.7%"}, {5, 5, "100.0%"}} {
		if got := percent(c.part, c.whole); got != c.want {
			t.Errorf("percent(%d, %d) = %s, want %s", c.part, c.whole, got, c.want)
		}
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 14273: "14,273", 1234567: "1,234,567", -1000: "-1,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %s, want %s", n, got, want)
		}
	}
}

package platform_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/testenv"
)

func encode(t *testing.T, rows [][]string) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func column(name string) int {
	rows := strings.Split("id,cycle_id,priority,status,pair,kind,record_type,key,day,left_source,left_ids,left_amount,left_currency,right_source,right_ids,right_amount,right_currency,difference,currency,at_stake,reporting_currency,reporting_amount,detail,resolved_by,resolution_action,resolution_reason,action,reason", ",")
	for i, c := range rows {
		if c == name {
			return i
		}
	}
	panic(name)
}

// Export, edit, import: every decided row is applied in one go, the
// adjustments keep the books balanced, and importing the same file again
// applies nothing twice.
func TestDiscrepancyCSVRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := testenv.Database(t)
	c := testenv.ReconciledCycle(t, ctx, st)
	rows := testenv.ExportRows(t, ctx, st, c.WorkflowID)
	if len(rows) != 11 {
		t.Fatalf("export has %d rows, want a header and 10 breaks", len(rows))
	}
	want := map[string]string{}
	for _, row := range rows[1:] {
		switch row[column("kind")] {
		case recon.AmountMismatch:
			row[column("action")], row[column("reason")] = recon.ActionAdjust, "wallet under-debited; provider is right"
			want[row[0]] = recon.StatusAdjusted
		case recon.CurrencyMismatch:
			row[column("action")], row[column("reason")] = recon.ActionAccept, "wallet books USD bets as KRW; known"
			want[row[0]] = recon.StatusAccepted
		case recon.MissingRight:
			row[column("action")], row[column("reason")] = recon.ActionCarry, "wallet export of the evening arrives tomorrow"
			want[row[0]] = recon.StatusCarried
		}
	}
	file := encode(t, rows)
	res, err := platform.ImportDiscrepancies(ctx, st, bytes.NewReader(file.Bytes()), "carol")
	if err != nil {
		t.Fatal(err)
	}
	if res != (platform.ImportResult{Rows: 10, Resolved: 10}) {
		t.Errorf("import = %+v", res)
	}
	_, list, err := platform.ListDiscrepancies(ctx, st, platform.BreakQuery{Cycle: c.ID.String()})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		if d.Status != want[d.ID.String()] || d.ResolvedBy != "carol" {
			t.Errorf("%s %s: %s by %s, want %s by carol", d.Kind, d.Key, d.Status, d.ResolvedBy, want[d.ID.String()])
		}
	}
	testenv.RequireBalanced(t, ctx, st, c.ID, 4)

	again, err := platform.ImportDiscrepancies(ctx, st, bytes.NewReader(file.Bytes()), "carol")
	if err != nil || again != (platform.ImportResult{Rows: 10, Already: 10}) {
		t.Fatalf("importing the same file again: %+v %v", again, err)
	}
	testenv.RequireBalanced(t, ctx, st, c.ID, 4)
	events, err := st.Events(ctx, c.ID)
	if err != nil || len(events) != 10 || st.VerifyEvents(ctx, c.ID) != nil {
		t.Fatalf("event log has %d events (%v), want one per resolution, chained", len(events), err)
	}
}

// Every row is checked; one refused row refuses the file, and every
// refusal names its row and field.
func TestDiscrepancyImportRefusesAndAppliesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := testenv.Database(t)
	c := testenv.ReconciledCycle(t, ctx, st)
	rows := testenv.ExportRows(t, ctx, st, c.WorkflowID)
	byKind := map[string]int{}
	for i, row := range rows[1:] {
		byKind[row[column("kind")]] = i + 1
		row[column("action")], row[column("reason")] = recon.ActionAccept, "fine"
	}
	amount, currency, missing := byKind[recon.AmountMismatch], byKind[recon.CurrencyMismatch], byKind[recon.MissingRight]
	rows[amount][column("left_amount")] = "999"
	rows[currency][column("action")] = recon.ActionAdjust
	rows[missing][column("reason")] = " "
	rows = append(rows, append([]string(nil), rows[1]...))
	_, err := platform.ImportDiscrepancies(ctx, st, encode(t, rows), "carol")
	var errs platform.ImportErrors
	if !errors.As(err, &errs) {
		t.Fatalf("import: %v, want row errors", err)
	}
	wantErrs := []string{
		fmt.Sprintf("row %d, field left_amount", amount+1),
		fmt.Sprintf("row %d, field action: adjust", currency+1),
		fmt.Sprintf("row %d, field reason", missing+1),
		fmt.Sprintf("row %d, field id", len(rows)),
	}
	for _, w := range wantErrs {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("errors do not say %q:\n%v", w, err)
		}
	}
	_, list, _ := platform.ListDiscrepancies(ctx, st, platform.BreakQuery{Cycle: c.WorkflowID, Status: recon.StatusOpen})
	if len(list) != 10 {
		t.Errorf("%d breaks still open after a refused import, want all 10", len(list))
	}
	for _, bad := range []string{"id,status\n", strings.Join(rows[0], ",") + "\nnot,enough\n"} {
		if _, err := platform.ImportDiscrepancies(ctx, st, strings.NewReader(bad), "carol"); err == nil || !strings.Contains(err.Error(), "row ") {
			t.Errorf("%q: %v, want an error naming the row", bad, err)
		}
	}
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := testenv.Database(t)
	c := testenv.ReconciledCycle(t, ctx, st)
	for q, want := range map[platform.BreakQuery]int{
		{Type: recon.MissingRight}: 3, {Type: "bet"}: 10, {MinAmount: "901"}: 6, {Status: recon.StatusOpen}: 10, {Status: recon.StatusAccepted}: 0,
	} {
		q.Cycle = c.WorkflowID
		_, list, err := platform.ListDiscrepancies(ctx, st, q)
		if err != nil || len(list) != want {
			t.Errorf("%+v: %d breaks (%v), want %d", q, len(list), err, want)
		}
	}
	for _, q := range []platform.BreakQuery{{Status: "closed"}, {MinAmount: "1.5"}} {
		q.Cycle = c.WorkflowID
		if _, _, err := platform.ListDiscrepancies(ctx, st, q); err == nil {
			t.Errorf("%+v accepted", q)
		}
	}
}

// endless repeats one line for ever.
type endless struct {
	line string
	off  int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], e.line[e.off:])
		n += c
		e.off = (e.off + c) % len(e.line)
	}
	return n, nil
}

// A file larger than an import reads is refused as such, before anything
// is looked up, rather than read as if it ended at the bound (its last
// row cut short). Rows are long, so the size bound comes before the rows'.
func TestImportRefusesAFileTooLarge(t *testing.T) {
	t.Parallel()
	header := "id,cycle_id,priority,status,pair,kind,record_type,key,day,left_source,left_ids,left_amount,left_currency,right_source,right_ids,right_amount,right_currency,difference,currency,at_stake,reporting_currency,reporting_amount,detail,resolved_by,resolution_action,resolution_reason,action,reason\n"
	row := strings.Repeat("x,", 22) + strings.Repeat("d", 1000) + ",,,,accept,fine\n"
	in := io.MultiReader(strings.NewReader(header), &endless{line: row})
	_, err := platform.ImportDiscrepancies(context.Background(), nil, in, "carol")
	var re platform.RowError
	if !errors.As(err, &re) || re.Field != "line" || !strings.Contains(err.Error(), "larger than 64 MiB") {
		t.Fatalf("import of an endless file: %v", err)
	}
}

package platform

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/store"
)

// The bulk round trip: export a cycle's breaks as CSV, fill in the action
// and reason columns, import the file. Every other column must come back
// as exported, so a file edited in the wrong place, or overtaken by
// another operator's resolution, is refused rather than half applied.

// csvColumns are the export's columns; only the last two are edited.
var csvColumns = []string{"id", "cycle_id", "priority", "status", "pair", "kind", "record_type", "key", "day",
	"left_source", "left_ids", "left_amount", "left_currency", "right_source", "right_ids", "right_amount", "right_currency",
	"difference", "currency", "at_stake", "reporting_currency", "reporting_amount", "detail",
	"resolved_by", "resolution_action", "resolution_reason", "action", "reason"}

const (
	editableColumns = 2
	// maxImportRows and MaxImportBytes bound what one import reads.
	maxImportRows  = 100_000
	MaxImportBytes = 64 << 20
	// maxRowErrors bounds the errors one import lists.
	maxRowErrors = 50
)

// WriteDiscrepanciesCSV writes breaks in the export format, amounts in
// minor units, ids joined by spaces, action and reason empty.
func WriteDiscrepanciesCSV(w io.Writer, list []store.Discrepancy) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns); err != nil {
		return err
	}
	for _, d := range list {
		if err := cw.Write(append(csvRow(d), "", "")); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvRow renders every exported column but the editable ones.
func csvRow(d store.Discrepancy) []string {
	return []string{d.ID.String(), d.CycleID.String(), strconv.Itoa(d.Priority), d.Status, d.Pair, d.Kind, d.RecordType, d.Key,
		d.Day.Format(time.DateOnly), d.Left.Source, strings.Join(d.Left.IDs, " "), optInt(d.Left.Amount), d.Left.Currency,
		d.Right.Source, strings.Join(d.Right.IDs, " "), optInt(d.Right.Amount), d.Right.Currency,
		optInt(d.Difference), d.Currency, strconv.FormatInt(d.AtStake, 10), d.ReportingCurrency, optInt(d.ReportingAmount), d.Detail,
		d.ResolvedBy, d.Action, d.Reason}
}

func optInt(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

// ImportResult says what an import did.
type ImportResult struct {
	Rows     int // data rows read
	Resolved int // rows whose action this import applied
	Already  int // rows whose action an earlier import (or command) had applied
}

// Describe says what an import did, as the CLI prints it and the console
// shows it.
func (r ImportResult) Describe(actor string) string {
	return fmt.Sprintf("%d rows: %d resolved by %s, %d already resolved so, %d left as they were",
		r.Rows, r.Resolved, actor, r.Already, r.Rows-r.Resolved-r.Already)
}

// RowError is an import refusal naming the row (1 is the header) and the
// field.
type RowError struct {
	Row   int
	Field string
	Err   error
}

func (e RowError) Error() string { return fmt.Sprintf("row %d, field %s: %v", e.Row, e.Field, e.Err) }

// ImportErrors are every refusal of one import, which applied nothing.
type ImportErrors []RowError

func (e ImportErrors) Error() string {
	lines := make([]string, len(e))
	for i, r := range e {
		lines[i] = r.Error()
	}
	more := ""
	if len(e) == maxRowErrors {
		more = "\n(more errors not listed)"
	}
	return fmt.Sprintf("import refused, nothing applied:\n%s%s", strings.Join(lines, "\n"), more)
}

// ImportDiscrepancies reads an edited export and applies every row with an
// action, as actor, all or nothing: each row is checked first (columns as
// exported, a known action, a reason, a resolution the break allows), and
// if any row is refused nothing is applied and every refusal is returned,
// naming its row and field.
func ImportDiscrepancies(ctx context.Context, st *store.Store, r io.Reader, actor string) (ImportResult, error) {
	return importDiscrepancies(ctx, st, r, actor, uuid.Nil)
}

// ImportCycleDiscrepancies is ImportDiscrepancies for one cycle's breaks,
// as the cycle's page offers it: a row of another cycle's break is refused,
// so a file picked by mistake resolves nothing elsewhere.
func ImportCycleDiscrepancies(ctx context.Context, st *store.Store, r io.Reader, actor string, cycleID uuid.UUID) (ImportResult, error) {
	return importDiscrepancies(ctx, st, r, actor, cycleID)
}

// importDiscrepancies imports rows of cycle only's breaks, or of any
// cycle's when only is uuid.Nil.
func importDiscrepancies(ctx context.Context, st *store.Store, r io.Reader, actor string, only uuid.UUID) (ImportResult, error) {
	rows, err := readImport(r)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Rows: len(rows)}
	ids, errs := parseIDs(rows)
	stored, err := st.DiscrepanciesByID(ctx, ids)
	if err != nil {
		return res, err
	}
	var list []store.Resolution
	for i, row := range rows {
		n := i + 2
		if len(errs) >= maxRowErrors {
			break
		}
		id, err := uuid.Parse(row[0])
		if err != nil {
			continue // reported by parseIDs
		}
		if d, ok := stored[id]; ok && only != uuid.Nil && d.CycleID != only {
			errs = append(errs, RowError{Row: n, Field: "cycle_id",
				Err: fmt.Errorf("discrepancy %s is of cycle %s, not of this page's cycle %s: import it from its own cycle's page", id, d.CycleID, only)})
			continue
		}
		out, already, rowErrs := checkRow(n, row, stored, id, actor)
		errs = append(errs, rowErrs...)
		if out != nil {
			list = append(list, *out)
		}
		if already {
			res.Already++
		}
	}
	if len(errs) > 0 {
		return res, ImportErrors(errs[:min(len(errs), maxRowErrors)])
	}
	res.Resolved = len(list)
	if len(list) == 0 {
		return res, nil
	}
	return res, st.ResolveDiscrepancies(ctx, list)
}

// readImport reads the file, bounded, and checks its header. It reads one
// byte past the bound, so a file cut at the bound is refused rather than
// read as if its last row ended there.
func readImport(r io.Reader) ([][]string, error) {
	limited := &io.LimitedReader{R: r, N: MaxImportBytes + 1}
	cr := csv.NewReader(limited)
	cr.FieldsPerRecord = len(csvColumns)
	header, err := cr.Read()
	if err != nil {
		return nil, RowError{Row: 1, Field: "header", Err: err}
	}
	if !slices.Equal(header, csvColumns) {
		return nil, RowError{Row: 1, Field: "header", Err: fmt.Errorf("want the columns of discrepancy export: %s", strings.Join(csvColumns, ","))}
	}
	var rows [][]string
	for {
		row, err := cr.Read()
		if err != nil && limited.N <= 0 {
			return nil, RowError{Row: len(rows) + 2, Field: "line", Err: fmt.Errorf("the file is larger than %d MiB; import in parts", MaxImportBytes>>20)}
		}
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, RowError{Row: pe.StartLine, Field: "line", Err: pe.Err}
			}
			return nil, err
		}
		if len(rows) == maxImportRows {
			return nil, RowError{Row: len(rows) + 2, Field: "line", Err: fmt.Errorf("more than %d rows; import in parts", maxImportRows)}
		}
		rows = append(rows, row)
	}
}

func parseIDs(rows [][]string) ([]uuid.UUID, []RowError) {
	var ids []uuid.UUID
	var errs []RowError
	seen := map[uuid.UUID]int{}
	for i, row := range rows {
		id, err := uuid.Parse(row[0])
		switch {
		case err != nil:
			errs = append(errs, RowError{Row: i + 2, Field: "id", Err: fmt.Errorf("%q is not a discrepancy id", row[0])})
		case seen[id] != 0:
			errs = append(errs, RowError{Row: i + 2, Field: "id", Err: fmt.Errorf("%s is already on row %d", id, seen[id])})
		default:
			seen[id] = i + 2
			ids = append(ids, id)
		}
	}
	return ids, errs
}

// checkRow compares a row with its stored break and turns its action into
// a resolution; a row without an action asks for nothing, and one whose
// break already carries exactly its resolution is already applied.
func checkRow(n int, row []string, stored map[uuid.UUID]store.Discrepancy, id uuid.UUID, actor string) (*store.Resolution, bool, []RowError) {
	d, ok := stored[id]
	if !ok {
		return nil, false, []RowError{{Row: n, Field: "id", Err: fmt.Errorf("no discrepancy %s", id)}}
	}
	asked := recon.Resolution{Action: strings.TrimSpace(row[len(row)-editableColumns]), Actor: actor, Reason: strings.TrimSpace(row[len(row)-1])}
	if asked.Action != "" && sameResolution(d, asked) {
		return nil, true, nil
	}
	var errs []RowError
	for i, v := range csvRow(d) {
		if row[i] != v {
			errs = append(errs, RowError{Row: n, Field: csvColumns[i],
				Err: fmt.Errorf("%q differs from the stored %q (only action and reason are edited; export again if others resolved it meanwhile)", row[i], v)})
		}
	}
	if asked.Action == "" {
		if asked.Reason != "" {
			errs = append(errs, RowError{Row: n, Field: "action", Err: errors.New("a reason without an action")})
		}
		return nil, false, errs
	}
	out, err := resolution(d, asked)
	if err != nil {
		field := "action"
		var fe recon.FieldError
		if errors.As(err, &fe) {
			field, err = fe.Field, fe.Err
		}
		errs = append(errs, RowError{Row: n, Field: field, Err: err})
	}
	if len(errs) > 0 {
		return nil, false, errs
	}
	return &out, false, nil
}

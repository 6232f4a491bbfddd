package server

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/store"
)

// Reconciliation breaks: the same platform functions as `settleflow
// discrepancy`, with the token's name as the actor of every resolution.

// breakQuery reads the filters of `discrepancy list` (?status=&type=
// &min_amount=) for the cycle the path names, its latest run.
func breakQuery(r *http.Request, q url.Values) platform.BreakQuery {
	return platform.BreakQuery{Cycle: cycleOf(r), Status: q.Get("status"), Type: q.Get("type"), MinAmount: q.Get("min_amount")}
}

// pagedBreakQuery adds ?limit=&offset= to the filters: a cycle may hold
// more breaks than one answer should.
func pagedBreakQuery(r *http.Request, def int) (platform.BreakQuery, error) {
	q := breakQuery(r, r.URL.Query())
	var err error
	if q.Limit, err = intParam(r, "limit", def, 1, 100_000); err != nil {
		return q, err
	}
	q.Offset, err = intParam(r, "offset", 0, 0, 1<<30)
	return q, err
}

// listDiscrepancies is GET /api/v1/cycles/{scope}/{period}/discrepancies:
// the breaks, most urgent first, and the reconciliation as it stands now.
func (s *Server) listDiscrepancies(w http.ResponseWriter, r *http.Request, _ caller) error {
	q, err := pagedBreakQuery(r, 1000)
	if err != nil {
		return err
	}
	c, list, err := platform.ListDiscrepancies(r.Context(), s.o.Store, q)
	if err != nil {
		return err
	}
	sum, err := s.reconSummaryOf(r, c.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []store.Discrepancy{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"cycle_id": c.ID, "workflow_id": c.WorkflowID, "cycle_status": c.Status,
		"reporting_currency": sum.Open.ReportingCurrency, "open": openJSONOf(sum.Open), "counts": countsJSON(sum.Counts),
		"limit": q.Limit, "offset": q.Offset, "discrepancies": list})
	return nil
}

// discrepanciesCSV is GET /api/v1/cycles/{scope}/{period}/discrepancies.csv:
// `discrepancy export` with the list's filters, every row, so a file
// downloaded here imports through the CLI or the API alike.
func (s *Server) discrepanciesCSV(w http.ResponseWriter, r *http.Request, _ caller) error {
	c, list, err := platform.ListDiscrepancies(r.Context(), s.o.Store, breakQuery(r, r.URL.Query()))
	if err != nil {
		return err
	}
	csvAttachment(w, fmt.Sprintf("discrepancies-%s-%s.csv", c.Scope, c.PeriodKey))
	return platform.WriteDiscrepanciesCSV(w, list)
}

// showDiscrepancy is GET /api/v1/discrepancies/{id}.
func (s *Server) showDiscrepancy(w http.ResponseWriter, r *http.Request, _ caller) error {
	id, err := breakID(r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := s.o.Store.Discrepancy(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// resolveRequest is the body of POST /api/v1/discrepancies/{id}/resolve.
type resolveRequest struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
}

// resolveDiscrepancy is POST /api/v1/discrepancies/{id}/resolve: the
// break as it stands after the caller's resolution.
func (s *Server) resolveDiscrepancy(w http.ResponseWriter, r *http.Request, c caller) error {
	var req resolveRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	id, err := breakID(r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := s.resolve(r, c, id, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// resolve applies one resolution as the caller. Repeating the resolution a
// break already has answers it again, applied once.
func (s *Server) resolve(r *http.Request, c caller, id uuid.UUID, req resolveRequest) (store.Discrepancy, error) {
	reason, err := requireText("reason", req.Reason)
	if err != nil {
		return store.Discrepancy{}, err
	}
	res := recon.Resolution{Action: strings.TrimSpace(req.Action), Actor: c.Name, Reason: reason}
	if err := platform.ResolveDiscrepancies(r.Context(), s.o.Store, []platform.Resolve{{ID: id, Resolution: res}}); err != nil {
		return store.Discrepancy{}, err
	}
	return s.o.Store.Discrepancy(r.Context(), id)
}

// importDiscrepancies is POST /api/v1/discrepancies/import: an edited
// export applied as the caller, all or nothing.
func (s *Server) importDiscrepancies(w http.ResponseWriter, r *http.Request, c caller) error {
	res, err := s.importFile(r, c, uuid.Nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"actor": c.Name, "rows": res.Rows, "resolved": res.Resolved,
		"already": res.Already, "unchanged": res.Rows - res.Resolved - res.Already})
	return nil
}

// importFile reads the CSV as the request's body (text/csv) or as the
// multipart file "file" (the console's form) and imports it: rows of cycle
// only's breaks, or of any cycle's when only is uuid.Nil. The platform
// bounds what it reads; guard bounds the body (maxRequest, sized for this
// upload), so a multipart upload cannot fill the disk with what the import
// would refuse anyway.
func (s *Server) importFile(r *http.Request, c caller, only uuid.UUID) (platform.ImportResult, error) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var in io.Reader
	switch mediaType {
	case "text/csv":
		in = r.Body
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxUpload); err != nil {
			return platform.ImportResult{}, badField("file", "unreadable upload: %v", err)
		}
		f, _, err := r.FormFile("file")
		if err != nil {
			return platform.ImportResult{}, badField("file", "file missing from the upload")
		}
		defer f.Close()
		in = f
	default:
		return platform.ImportResult{}, badField("file", "Content-Type %q: send the CSV as text/csv, or as the file \"file\" of a multipart/form-data upload",
			r.Header.Get("Content-Type"))
	}
	if only != uuid.Nil {
		return platform.ImportCycleDiscrepancies(r.Context(), s.o.Store, in, c.Name, only)
	}
	return platform.ImportDiscrepancies(r.Context(), s.o.Store, in, c.Name)
}

func breakID(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, badField("id", "%q is not a discrepancy ID (a UUID)", s)
	}
	return id, nil
}

// reconSummary is a cycle's reconciliation as it stands now: counts by pair
// and type, their total, and what the open breaks sum to.
type reconSummary struct {
	Counts []recon.Count
	Total  recon.Count
	Open   recon.Open
}

func (s *Server) reconSummaryOf(r *http.Request, cycleID uuid.UUID) (reconSummary, error) {
	counts, err := s.o.Store.ReconCounts(r.Context(), cycleID)
	if err != nil {
		return reconSummary{}, err
	}
	open, err := s.o.Store.OpenBreaks(r.Context(), cycleID)
	return reconSummary{Counts: counts, Total: recon.Sum(counts), Open: open}, err
}

// isImportError says whether err is an import's refusal: of rows, or of
// the file itself (its header, a line that is not CSV, its size).
func isImportError(err error) bool {
	var rows platform.ImportErrors
	var row platform.RowError
	return errors.As(err, &rows) || errors.As(err, &row)
}

// importError answers a refused import with every row and field at fault.
func importError(err error) *apiError {
	var rows platform.ImportErrors
	if !errors.As(err, &rows) {
		var row platform.RowError
		errors.As(err, &row)
		rows = platform.ImportErrors{row}
	}
	e := errorf(http.StatusBadRequest, codeInvalid, "%s", err.Error())
	e.Field = "file"
	for _, row := range rows {
		e.Rows = append(e.Rows, rowErrorJSON{Row: row.Row, Field: row.Field, Message: row.Err.Error()})
	}
	return e
}

// resolutionError answers a resolution recon refused: a break no longer
// open conflicts with its state; anything else is the request's fault and
// names the field (action, reason).
func resolutionError(err error, fe recon.FieldError) *apiError {
	if fe.Field == "status" {
		return errorf(http.StatusConflict, codeRefused, "%s", err.Error())
	}
	e := errorf(http.StatusBadRequest, codeInvalid, "%s", err.Error())
	e.Field = fe.Field
	return e
}

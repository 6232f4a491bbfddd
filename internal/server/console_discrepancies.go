package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/access"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/store"
)

const (
	// topBreaks is how many open breaks the cycle page shows.
	topBreaks = 10
	// breaksPerPage is how many breaks the list page shows at once.
	breaksPerPage = 100
)

// breakRow is a break as the console lists it, with the resolutions its
// state allows: recon's own check decides, so a form never offers what
// the server would refuse.
type breakRow struct {
	store.Discrepancy
	Actions []string
}

// breakTable is breaks with their resolve forms, as the cycle page and the
// list page both render them (the "breaks" template).
type breakTable struct {
	Rows []breakRow
	Path string // the cycle's {scope}/{period}
	Next string // the page a resolve form returns to
	CSRF string
	// CanResolve hides the forms from a caller whose role may not resolve;
	// the server checks the role again.
	CanResolve bool
	Role       access.Role
}

func newBreakTable(c caller, list []store.Discrepancy, path, next string) breakTable {
	t := breakTable{Path: path, Next: next, CSRF: c.csrf, CanResolve: c.Role.Allows(access.ResolverRole), Role: access.ResolverRole}
	for _, d := range list {
		row := breakRow{Discrepancy: d}
		for _, action := range recon.Actions {
			if (recon.Resolution{Action: action, Actor: c.Name, Reason: "-"}).Check(d.Break()) == nil {
				row.Actions = append(row.Actions, action)
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// cycleBreaks is the cycle page's discrepancies section.
type cycleBreaks struct {
	Summary reconSummary
	Table   breakTable
}

// cycleBreaksOf loads the section; nil when the cycle has not reconciled.
func (s *Server) cycleBreaksOf(r *http.Request, c caller, cyc store.Cycle, path string) (*cycleBreaks, error) {
	if ok, err := s.o.Store.Reconciled(r.Context(), cyc.ID); err != nil || !ok {
		return nil, err
	}
	sum, err := s.reconSummaryOf(r, cyc.ID)
	if err != nil {
		return nil, err
	}
	top, err := s.o.Store.Discrepancies(r.Context(), store.BreakFilter{CycleID: cyc.ID, Status: recon.StatusOpen, Limit: topBreaks})
	if err != nil {
		return nil, err
	}
	return &cycleBreaks{Summary: sum, Table: newBreakTable(c, top, path, "/cycles/"+path)}, nil
}

type breaksData struct {
	Cycle      store.Cycle
	Path       string
	Filter     platform.BreakQuery
	Statuses   []string
	Summary    reconSummary
	Table      breakTable
	NextOffset int // 0 when there is no next page
}

// discrepanciesPage lists a cycle's breaks with the API's filters.
func (s *Server) discrepanciesPage(w http.ResponseWriter, r *http.Request, c caller) error {
	offset, err := intParam(r, "offset", 0, 0, 1<<30)
	if err != nil {
		return err
	}
	return s.breaksPage(w, r, c, breaksView{status: http.StatusOK, filters: r.URL.Query(), offset: offset, back: r.URL.RequestURI()})
}

// breaksView is how the list page is shown: after a GET, or again after a
// refused form with its message and the filters of the page it came from.
type breaksView struct {
	status  int
	message string
	filters url.Values
	offset  int
	back    string
}

func (s *Server) breaksPage(w http.ResponseWriter, r *http.Request, c caller, v breaksView) error {
	q := breakQuery(r, v.filters)
	q.Limit, q.Offset = breaksPerPage, v.offset
	cyc, list, err := platform.ListDiscrepancies(r.Context(), s.o.Store, q)
	if err != nil {
		return err
	}
	sum, err := s.reconSummaryOf(r, cyc.ID)
	if err != nil {
		return err
	}
	path := cyclePath(r.PathValue("scope"), r.PathValue("period"))
	d := breaksData{Cycle: cyc, Path: path, Filter: q, Statuses: recon.Statuses, Summary: sum,
		Table: newBreakTable(c, list, path, safeNext(v.back))}
	if len(list) == breaksPerPage {
		d.NextOffset = v.offset + breaksPerPage
	}
	return s.pageStatus(w, r, c, v.status, "discrepancies", view{Title: "Discrepancies of " + cyc.WorkflowID, Nav: "cycles",
		Error: v.message, Data: d})
}

// resolveForm resolves a break from its form, as the caller, and returns
// to the page the form was on.
func (s *Server) resolveForm(w http.ResponseWriter, r *http.Request, c caller) error {
	id, err := breakID(r.PathValue("id"))
	if err != nil {
		return err
	}
	next := safeNext(r.PostFormValue("next"))
	if err := s.breakOfCycle(r, id); err != nil {
		return err
	}
	d, err := s.resolve(r, c, id, resolveRequest{Action: r.PostFormValue("action"), Reason: r.PostFormValue("reason")})
	if err != nil {
		return s.formRefused(w, r, c, err, next)
	}
	done := fmt.Sprintf("%s %s of %s: %s by %s", d.Kind, d.Key, d.RecordType, d.Status, d.ResolvedBy)
	http.Redirect(w, r, withDone(next, done), http.StatusSeeOther)
	return nil
}

// breakOfCycle refuses a break that is not of the cycle the path names
// (its latest run), so what the form returns to is about that break.
func (s *Server) breakOfCycle(r *http.Request, id uuid.UUID) error {
	cyc, err := s.o.Store.LatestCycleOfWorkflow(r.Context(), cycleOf(r))
	if err != nil {
		return err
	}
	d, err := s.o.Store.Discrepancy(r.Context(), id)
	if err != nil {
		return err
	}
	if d.CycleID != cyc.ID {
		return errorf(http.StatusNotFound, codeNotFound, "discrepancy %s is not of cycle %s", id, cyc.WorkflowID)
	}
	return nil
}

// importForm applies an uploaded export from a cycle's list page, as the
// caller: only rows of that cycle's breaks (the cycle's latest revision).
func (s *Server) importForm(w http.ResponseWriter, r *http.Request, c caller) error {
	back := "/cycles/" + cyclePath(r.PathValue("scope"), r.PathValue("period")) + "/discrepancies"
	cyc, err := s.o.Store.LatestCycleOfWorkflow(r.Context(), cycleOf(r))
	if err != nil {
		return err
	}
	res, err := s.importFile(r, c, cyc.ID)
	if err != nil {
		return s.formRefused(w, r, c, err, back)
	}
	http.Redirect(w, r, withDone(back, res.Describe(c.Name)), http.StatusSeeOther)
	return nil
}

// formRefused shows the list page again with why a form was refused, with
// the filters of the page the form was on (the open breaks when that was
// the cycle page). Other errors are answered as they are.
func (s *Server) formRefused(w http.ResponseWriter, r *http.Request, c caller, err error, next string) error {
	e := s.errorOf(r, err)
	if e.Status != http.StatusBadRequest && e.Status != http.StatusConflict {
		return e
	}
	filters := url.Values{"status": {recon.StatusOpen}}
	if u, perr := url.Parse(next); perr == nil && strings.HasSuffix(u.Path, "/discrepancies") {
		filters = u.Query()
	}
	return s.breaksPage(w, r, c, breaksView{status: e.Status, message: e.Message, filters: filters, back: next})
}

// withDone adds the message a page shows after a form succeeded.
func withDone(next, msg string) string {
	u, err := url.Parse(next)
	if err != nil {
		return next
	}
	q := u.Query()
	q.Set("done", msg)
	u.RawQuery = q.Encode()
	return u.String()
}

package server

import (
	"encoding/json"
	"net/http"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/statement"
	"github.com/settleflow/settleflow/internal/store"
)

type quarantineData struct {
	Filter  store.QuarantineFilter
	Cycle   string // the filter's cycle ID, empty for all
	Reasons []store.ReasonCount
	Records []store.Quarantined
	Next    int // offset of the next page; 0 when there is none
}

// quarantinePage browses quarantined records by reason.
func (s *Server) quarantinePage(w http.ResponseWriter, r *http.Request, c caller) error {
	f, records, err := s.quarantined(r)
	if err != nil {
		return err
	}
	d := quarantineData{Filter: f, Records: records}
	if f.CycleID != uuid.Nil {
		d.Cycle = f.CycleID.String()
	}
	if d.Reasons, err = s.o.Store.QuarantineReasons(r.Context(), f.CycleID); err != nil {
		return err
	}
	if len(d.Records) == f.Limit {
		d.Next = f.Offset + f.Limit
	}
	return s.page(w, r, c, "quarantine", view{Title: "Quarantine", Nav: "quarantine", Data: d})
}

// recordPage shows one quarantined record with its raw bytes.
func (s *Server) recordPage(w http.ResponseWriter, r *http.Request, c caller) error {
	q, err := s.recordOf(r)
	if err != nil {
		return err
	}
	return s.page(w, r, c, "record", view{Title: "Quarantined record", Nav: "quarantine", Data: q})
}

// statementsPage lists the latest statements.
func (s *Server) statementsPage(w http.ResponseWriter, r *http.Request, c caller) error {
	list, err := s.statementList(r)
	if err != nil {
		return err
	}
	return s.page(w, r, c, "statements", view{Title: "Statements", Nav: "statements", Data: list})
}

type statementData struct {
	Statement store.Statement
	Content   statement.Statement
	Check     *platform.StatementCheck
	// Uploaded is set when the check was of files a partner uploaded.
	Uploaded bool
}

// statementPage shows a statement, its lines, downloads and whether its
// stored bytes still hash to what was published.
func (s *Server) statementPage(w http.ResponseWriter, r *http.Request, c caller) error {
	d, err := s.statementData(r)
	if err != nil {
		return err
	}
	check, err := platform.VerifyStatement(r.Context(), s.o.Store, d.Statement.ID)
	if err != nil {
		return err
	}
	d.Check = &check
	return s.page(w, r, c, "statement", view{Title: "Statement " + d.Statement.Partner, Nav: "statements", Data: d})
}

func (s *Server) statementData(r *http.Request) (statementData, error) {
	st, err := s.statementOf(r)
	if err != nil {
		return statementData{}, err
	}
	d := statementData{Statement: st}
	if err := json.Unmarshal(st.JSON, &d.Content); err != nil {
		return d, err
	}
	return d, nil
}

// verifyForm checks files a partner uploaded against the statement.
func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request, c caller) error {
	d, err := s.statementData(r)
	if err != nil {
		return err
	}
	check, err := s.checkUpload(r)
	if err != nil {
		return err
	}
	d.Check, d.Uploaded = &check, true
	return s.page(w, r, c, "statement", view{Title: "Statement " + d.Statement.Partner, Nav: "statements", Data: d})
}

// schedulesPage lists the scope schedules.
func (s *Server) schedulesPage(w http.ResponseWriter, r *http.Request, c caller) error {
	list, err := s.schedules().List(r.Context())
	if err != nil {
		return err
	}
	return s.page(w, r, c, "schedules", view{Title: "Schedules", Nav: "schedules", Data: list})
}

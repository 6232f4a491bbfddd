package server

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/store"
)

type statementJSON struct {
	ID         uuid.UUID `json:"id"`
	CycleID    uuid.UUID `json:"cycle_id"`
	WorkflowID string    `json:"workflow_id,omitempty"`
	Scope      string    `json:"scope,omitempty"`
	Period     string    `json:"period,omitempty"`
	Revision   int       `json:"revision,omitempty"`
	Partner    string    `json:"partner"`
	Status     string    `json:"status"`
	StatusNote string    `json:"status_note,omitempty"`
	SHA256     string    `json:"sha256"`
	CreatedAt  time.Time `json:"created_at"`
	Content    any       `json:"content,omitempty"`
	Links      any       `json:"links"`
}

func statementLinks(id uuid.UUID) map[string]string {
	base := "/api/v1/statements/" + id.String()
	return map[string]string{"self": base, "json": base + "/json", "csv": base + "/csv", "verify": base + "/verify"}
}

// listStatements is GET /api/v1/statements?scope=&limit=, newest first.
func (s *Server) listStatements(w http.ResponseWriter, r *http.Request, _ caller) error {
	list, err := s.statementList(r)
	if err != nil {
		return err
	}
	out := make([]statementJSON, 0, len(list))
	for _, l := range list {
		out = append(out, statementJSON{ID: l.ID, CycleID: l.CycleID, WorkflowID: l.WorkflowID, Scope: l.Scope,
			Period: l.PeriodKey, Revision: l.Revision, Partner: l.Partner, Status: l.Status, SHA256: l.SHA256,
			CreatedAt: l.CreatedAt, Links: statementLinks(l.ID)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"statements": out})
	return nil
}

func (s *Server) statementList(r *http.Request) ([]store.StatementListing, error) {
	limit, err := intParam(r, "limit", 100, 1, 1000)
	if err != nil {
		return nil, err
	}
	return s.o.Store.RecentStatements(r.Context(), r.URL.Query().Get("scope"), limit)
}

// statementOf loads the statement the {id} path names.
func (s *Server) statementOf(r *http.Request) (store.Statement, error) {
	id, err := platform.ParseStatementID(r.PathValue("id"))
	if err != nil {
		return store.Statement{}, err
	}
	return s.o.Store.Statement(r.Context(), id)
}

// showStatement is GET /api/v1/statements/{id}: metadata and content.
func (s *Server) showStatement(w http.ResponseWriter, r *http.Request, _ caller) error {
	st, err := s.statementOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, statementJSON{ID: st.ID, CycleID: st.CycleID, Partner: st.Partner, Status: st.Status,
		StatusNote: st.StatusNote, SHA256: st.SHA256, CreatedAt: st.CreatedAt, Content: st.JSON, Links: statementLinks(st.ID)})
	return nil
}

// downloadStatement returns the handler of GET /api/v1/statements/{id}/json
// or /csv: the bytes exactly as published, as an attachment.
func (s *Server) downloadStatement(format string) handler {
	return func(w http.ResponseWriter, r *http.Request, _ caller) error {
		st, err := s.statementOf(r)
		if err != nil {
			return err
		}
		body, ctype := []byte(st.JSON), "application/json"
		if format == "csv" {
			body, ctype = []byte(st.CSV), "text/csv; charset=utf-8"
		}
		name := fmt.Sprintf("statement-%s-%s.%s", st.Partner, st.ID, format)
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		w.Header().Set("X-Settleflow-SHA256", st.SHA256)
		_, err = w.Write(body)
		return err
	}
}

type checkJSON struct {
	StatementID uuid.UUID `json:"statement_id"`
	Partner     string    `json:"partner"`
	Status      string    `json:"status"`
	Published   string    `json:"published_sha256"`
	Recomputed  string    `json:"recomputed_sha256"`
	Intact      bool      `json:"intact"`
}

func checkOf(c platform.StatementCheck) checkJSON {
	return checkJSON{StatementID: c.StatementID, Partner: c.Partner, Status: c.Status, Published: c.Published,
		Recomputed: c.Recomputed, Intact: c.Intact}
}

// verifyStatement is GET /api/v1/statements/{id}/verify: the stored bytes
// are hashed again and compared with the hash published.
func (s *Server) verifyStatement(w http.ResponseWriter, r *http.Request, _ caller) error {
	id, err := platform.ParseStatementID(r.PathValue("id"))
	if err != nil {
		return err
	}
	c, err := platform.VerifyStatement(r.Context(), s.o.Store, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, checkOf(c))
	return nil
}

// verifyFiles is POST /api/v1/statements/{id}/verify with multipart files
// "json" and "csv": are these exactly the statement as published?
func (s *Server) verifyFiles(w http.ResponseWriter, r *http.Request, _ caller) error {
	c, err := s.checkUpload(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, checkOf(c))
	return nil
}

func (s *Server) checkUpload(r *http.Request) (platform.StatementCheck, error) {
	id, err := platform.ParseStatementID(r.PathValue("id"))
	if err != nil {
		return platform.StatementCheck{}, err
	}
	js, err := uploaded(r, "json")
	if err != nil {
		return platform.StatementCheck{}, err
	}
	csv, err := uploaded(r, "csv")
	if err != nil {
		return platform.StatementCheck{}, err
	}
	return platform.VerifyStatementFiles(r.Context(), s.o.Store, id, js, string(csv))
}

// uploaded reads one file of a multipart upload.
func uploaded(r *http.Request, field string) ([]byte, error) {
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		return nil, badField(field, "want a multipart/form-data upload: %v", err)
	}
	f, _, err := r.FormFile(field)
	if err != nil {
		return nil, badField(field, "file missing from the upload")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUpload))
	if err != nil {
		return nil, badField(field, "unreadable: %v", err)
	}
	return data, nil
}

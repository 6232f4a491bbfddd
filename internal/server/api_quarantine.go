package server

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/store"
)

type quarantinedJSON struct {
	CycleID   uuid.UUID `json:"cycle_id"`
	Source    string    `json:"source"`
	RecordKey string    `json:"record_key"`
	Stage     string    `json:"stage"`
	Reason    string    `json:"reason"`
	Detail    string    `json:"detail"`
	At        time.Time `json:"quarantined_at"`
	// RawText is the raw record when it is valid UTF-8; RawBase64 always.
	RawText   *string `json:"raw_text,omitempty"`
	RawBase64 string  `json:"raw_base64,omitempty"`
	Href      string  `json:"href,omitempty"`
}

func quarantinedOf(q store.Quarantined) quarantinedJSON {
	out := quarantinedJSON{CycleID: q.CycleID, Source: q.Source, RecordKey: q.RecordKey, Stage: q.Stage,
		Reason: q.Reason, Detail: q.Detail, At: q.At, Href: "/api/v1/quarantine/record?" + recordQuery(q)}
	if q.Raw != nil {
		out.RawBase64 = base64.StdEncoding.EncodeToString(q.Raw)
		if utf8.Valid(q.Raw) {
			text := string(q.Raw)
			out.RawText = &text
		}
	}
	return out
}

// quarantineFilter reads ?cycle_id=&reason=&source=&limit=&offset=.
func quarantineFilter(r *http.Request) (store.QuarantineFilter, error) {
	q := r.URL.Query()
	f := store.QuarantineFilter{Reason: q.Get("reason"), Source: q.Get("source")}
	if v := q.Get("cycle_id"); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			return f, badField("cycle_id", "%q is not a cycle ID (a UUID)", v)
		}
		f.CycleID = id
	}
	var err error
	if f.Limit, err = intParam(r, "limit", 100, 1, 10000); err != nil {
		return f, err
	}
	f.Offset, err = intParam(r, "offset", 0, 0, 1<<30)
	return f, err
}

// quarantined lists the records the query's filter selects.
func (s *Server) quarantined(r *http.Request) (store.QuarantineFilter, []store.Quarantined, error) {
	f, err := quarantineFilter(r)
	if err != nil {
		return f, nil, err
	}
	list, err := s.o.Store.Quarantine(r.Context(), f)
	return f, list, err
}

// listQuarantine is GET /api/v1/quarantine: records, newest first, with
// the counts by reason of the same cycle (or all cycles).
func (s *Server) listQuarantine(w http.ResponseWriter, r *http.Request, _ caller) error {
	f, list, err := s.quarantined(r)
	if err != nil {
		return err
	}
	reasons, err := s.o.Store.QuarantineReasons(r.Context(), f.CycleID)
	if err != nil {
		return err
	}
	out := make([]quarantinedJSON, 0, len(list))
	for _, q := range list {
		out = append(out, quarantinedOf(q))
	}
	counts := make([]map[string]any, 0, len(reasons))
	for _, rc := range reasons {
		counts = append(counts, map[string]any{"reason": rc.Reason, "stage": rc.Stage, "count": rc.Count})
	}
	writeJSON(w, http.StatusOK, map[string]any{"records": out, "reasons": counts})
	return nil
}

// quarantineCSV is GET /api/v1/quarantine.csv with the listing's filters.
func (s *Server) quarantineCSV(w http.ResponseWriter, r *http.Request, _ caller) error {
	_, list, err := s.quarantined(r)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(list))
	for _, q := range list {
		rows = append(rows, []string{q.CycleID.String(), q.Source, q.RecordKey, q.Stage, q.Reason, q.Detail,
			q.At.UTC().Format(time.RFC3339)})
	}
	return writeCSV(w, "quarantine.csv", []string{"cycle_id", "source", "record_key", "stage", "reason", "detail", "quarantined_at"}, rows)
}

// quarantinedRecord is GET /api/v1/quarantine/record?cycle_id=&source=&key=&reason=.
func (s *Server) quarantinedRecord(w http.ResponseWriter, r *http.Request, _ caller) error {
	q, err := s.recordOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, quarantinedOf(q))
	return nil
}

func (s *Server) recordOf(r *http.Request) (store.Quarantined, error) {
	q := r.URL.Query()
	id, err := uuid.Parse(q.Get("cycle_id"))
	if err != nil {
		return store.Quarantined{}, badField("cycle_id", "%q is not a cycle ID (a UUID)", q.Get("cycle_id"))
	}
	for _, field := range []string{"source", "key", "reason"} {
		if q.Get(field) == "" {
			return store.Quarantined{}, badField(field, "required")
		}
	}
	return s.o.Store.QuarantinedRecord(r.Context(), id, q.Get("source"), q.Get("key"), q.Get("reason"))
}

// recordQuery is the query string that names one quarantined record.
func recordQuery(q store.Quarantined) string {
	return url.Values{"cycle_id": {q.CycleID.String()}, "source": {q.Source}, "key": {q.RecordKey},
		"reason": {q.Reason}}.Encode()
}

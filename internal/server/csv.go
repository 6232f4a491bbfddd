package server

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
)

// writeCSV answers rows as a CSV attachment named filename. Exports
// (quarantine today, discrepancies next) share it, so every CSV the API
// gives has the same dialect: RFC 4180, a header row, UTF-8.
func writeCSV(w http.ResponseWriter, filename string, header []string, rows [][]string) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write %s: %w", filename, err)
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write %s: %w", filename, err)
	}
	return nil
}

// readCSV reads an uploaded CSV (multipart field) whose header row must be
// exactly header, and returns its data rows; an import (discrepancy
// resolutions) names the line and column of what is wrong.
func readCSV(r *http.Request, field string, header []string) ([][]string, error) {
	data, err := uploaded(r, field)
	if err != nil {
		return nil, err
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, badField(field, "not valid CSV: %v", err)
	}
	if len(rows) == 0 {
		return nil, badField(field, "empty; want a header row %v", header)
	}
	for i, name := range header {
		if i >= len(rows[0]) || rows[0][i] != name {
			return nil, badField(field, "line 1: column %d should be %q; want the header %v", i+1, name, header)
		}
	}
	return rows[1:], nil
}

package server

import (
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
)

// writeCSV answers rows as a CSV attachment named filename. Exports share
// it, so every CSV the API gives has the same dialect: RFC 4180, a header
// row, UTF-8. (A discrepancy export is written by the platform, as the
// CLI's is, so that both import alike; only its headers are set here.)
func writeCSV(w http.ResponseWriter, filename string, header []string, rows [][]string) error {
	csvAttachment(w, filename)
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write %s: %w", filename, err)
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write %s: %w", filename, err)
	}
	return nil
}

// csvAttachment sets the headers of a CSV download named filename.
func csvAttachment(w http.ResponseWriter, filename string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
}

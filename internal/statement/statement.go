// Package statement renders what one partner is owed for one cycle as JSON
// and CSV, and fingerprints the content so a partner can check that what it
// received is what settleflow published.
package statement

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

// Statuses of a stored statement. Its content never changes once
// published; only its status moves, to void when its cycle is undone or to
// superseded when a later revision of the period publishes its own.
const (
	StatusPublished = "published"
	StatusVoid      = "void"
	// StatusSuperseded is the word a superseded cycle has too.
	StatusSuperseded = lifecycle.StatusSuperseded
)

// Statement is the content of a partner statement. It holds no wall-clock
// time, so rendering the same cycle twice gives the same bytes and hash.
type Statement struct {
	// CycleID names the settlement the statement is for (its scope, period
	// and revision), the same for every run that settles them, so a
	// statement issued again from the same data has the same bytes.
	CycleID     string    `json:"cycle_id"`
	Scope       string    `json:"scope"`
	Period      string    `json:"period"`
	PeriodStart time.Time `json:"period_start"`
	PeriodEnd   time.Time `json:"period_end"`
	Revision    int       `json:"revision"`
	Partner     string    `json:"partner"`
	// Cover is the cycle's plain-language summary, written from its stored
	// figures. It is left out when empty, so statements of cycles without
	// one keep exactly the bytes (and hash) they were published with.
	Cover string `json:"cover,omitempty"`
	Lines Lines  `json:"lines"`
	// FromFallback lists the partner's sources whose figures were taken
	// from their fallback source because their own pull kept failing.
	// Only such a statement has the field (and its CSV the column), so
	// every other statement reads as it always did.
	FromFallback []FallbackNote `json:"figures_from_fallback,omitempty"`
}

// FallbackNote says a source's figures came from its fallback.
type FallbackNote struct {
	Source   string `json:"source"`
	Fallback string `json:"fallback"`
}

// fallbackColumn is the CSV column of FromFallback: "source from
// fallback", "; "-separated.
func (s Statement) fallbackColumn() string {
	parts := make([]string, len(s.FromFallback))
	for i, n := range s.FromFallback {
		parts[i] = n.Source + " from " + n.Fallback
	}
	return strings.Join(parts, "; ")
}

// Rendered is a statement in its published forms.
type Rendered struct {
	JSON   []byte
	CSV    string
	SHA256 string // over JSON, then a newline, then CSV
}

// Render produces the JSON and CSV forms and their content hash.
func Render(s Statement) (Rendered, error) {
	js, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return Rendered{}, fmt.Errorf("statement for %s: %w", s.Partner, err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rows := [][]string{{"cycle_id", "scope", "period", "partner", "currency", "ggr", "partner_amount", "operator_amount", "agreement_version", "explanation"}}
	for _, l := range s.Lines {
		rows = append(rows, []string{s.CycleID, s.Scope, s.Period, s.Partner, l.Currency,
			strconv.FormatInt(l.GGR, 10), strconv.FormatInt(l.PartnerAmount, 10), strconv.FormatInt(l.OperatorAmount, 10),
			strconv.Itoa(l.AgreementVersion), l.Explanation})
	}
	if len(s.FromFallback) > 0 {
		rows[0] = append(rows[0], "figures_from_fallback")
		for i := 1; i < len(rows); i++ {
			rows[i] = append(rows[i], s.fallbackColumn())
		}
	}
	if err := w.WriteAll(rows); err != nil {
		return Rendered{}, fmt.Errorf("statement CSV for %s: %w", s.Partner, err)
	}
	return Rendered{JSON: js, CSV: buf.String(), SHA256: Hash(js, buf.String())}, nil
}

// Hash is a statement's content hash as published: SHA-256 over its JSON,
// a newline and its CSV, in hex. Anyone holding both files can recompute it.
func Hash(json []byte, csv string) string {
	sum := sha256.New()
	sum.Write(json)
	sum.Write([]byte("\n"))
	sum.Write([]byte(csv))
	return hex.EncodeToString(sum.Sum(nil))
}

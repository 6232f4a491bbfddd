package audit

import "slices"

// Finding is one thing verification found wrong, named by table and id.
type Finding struct {
	Table   string `json:"table"`
	ID      string `json:"id"`
	Cycle   string `json:"cycle,omitempty"`
	Problem string `json:"problem"`
}

// Report is the outcome of verifying the books.
type Report struct {
	Findings []Finding `json:"findings"`
	// Checked counts the rows verified per table.
	Checked map[string]int64 `json:"checked"`
	// Unsealed counts rows written before seals existed, per table: they
	// are checked by their plain hash or content only. The number never
	// grows once every writer has a key; a rise is itself a finding to
	// look into.
	Unsealed map[string]int64 `json:"unsealed"`
	// Heads are the sealed chain ends found, to keep outside the database:
	// a later head that is shorter, or differs at the same seq, shows a
	// rollback no seal inside the database can.
	Heads []Head `json:"heads"`
}

// NewReport returns an empty report.
func NewReport() *Report {
	return &Report{Findings: []Finding{}, Checked: map[string]int64{}, Unsealed: map[string]int64{}, Heads: []Head{}}
}

// Count records one verified row of table, sealed or not.
func (r *Report) Count(table string, sealed bool) {
	r.Checked[table]++
	if !sealed {
		r.Unsealed[table]++
	}
}

// Add records findings.
func (r *Report) Add(fs ...Finding) { r.Findings = append(r.Findings, fs...) }

// OK reports whether nothing was found wrong.
func (r *Report) OK() bool { return len(r.Findings) == 0 }

// Only keeps the findings about the given cycles and those about no cycle
// (a shared chain's gap or head), for a verification scoped to cycles.
func (r *Report) Only(cycles []string) {
	r.Findings = slices.DeleteFunc(r.Findings, func(f Finding) bool {
		return f.Cycle != "" && !slices.Contains(cycles, f.Cycle)
	})
}

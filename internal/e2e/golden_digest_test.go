package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/settleflow/settleflow/workflows"
)

// pipelineSummary is what a settled cycle produced, independent of how it
// is stored: counts, a digest of every accepted record and every
// quarantined one, the split and the journal.
type pipelineSummary struct {
	Received, Inserted, Duplicates, FormatRejects int64
	Staged, Accepted, Rejected, Conflicts         int64
	ByReason                                      map[string]int64
	AcceptedDigest                                string
	QuarantineDigest                              string
	Quarantined                                   int64
	Shares                                        []string
	Journal                                       map[string]int64
}

func (e *env) summarize(res workflows.CycleResult) pipelineSummary {
	e.t.Helper()
	id := e.cycleID(res)
	s := pipelineSummary{ByReason: res.Validation.ByReason, Staged: res.Validation.Staged,
		Accepted: res.Validation.Accepted, Rejected: res.Validation.Rejected, Conflicts: res.Validation.Conflicts,
		FormatRejects: res.Validation.FormatRejects}
	for _, p := range res.Pulls {
		s.Received += int64(p.Progress.Received)
		s.Inserted += int64(p.Progress.Inserted)
		s.Duplicates += int64(p.Progress.Duplicates)
	}
	s.AcceptedDigest = e.digest(`SELECT source || '|' || external_id || '|' || (attrs->>'round_id') || '|' || player || '|' ||
		(attrs->>'game_code') || '|' || type || '|' || amount || '|' || currency || '|' ||
		to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '|' || reference_id
		FROM staged_records s WHERE cycle_id = $1 AND NOT EXISTS (SELECT 1 FROM quarantine q
			WHERE q.cycle_id = s.cycle_id AND q.source = s.source AND q.record_key = s.external_id AND q.stage = 'rules')`, id)
	s.QuarantineDigest = e.digest(`SELECT source || '|' || record_key || '|' || stage || '|' || reason
		FROM quarantine WHERE cycle_id = $1`, id)
	s.Quarantined = e.count(`SELECT count(*) FROM quarantine WHERE cycle_id = $1`, id)
	for _, sh := range res.Shares {
		s.Shares = append(s.Shares, fmt.Sprintf("%s %s ggr=%d partner=%d operator=%d v%d",
			sh.Partner, sh.Currency, sh.GGR, sh.PartnerAmount, sh.OperatorAmount, sh.AgreementVersion))
	}
	_, s.Journal = e.balances(id)
	return s
}

// digest hashes the sorted text rows a query returns.
func (e *env) digest(query string, args ...any) string {
	e.t.Helper()
	rows, err := e.store.Pool.Query(e.ctx, query, args...)
	if err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			e.t.Fatal(err)
		}
		lines = append(lines, l)
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	slices.Sort(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l + "\n"))
	}
	return fmt.Sprintf("%d:%s", len(lines), hex.EncodeToString(h.Sum(nil)))
}

package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/trend"
)

// Discrepancy is one break as stored. The JSON names are what
// `discrepancy list --output json` and the HTTP API show.
type Discrepancy struct {
	ID            uuid.UUID `json:"id"`
	CycleID       uuid.UUID `json:"cycle_id"`
	Pair          string    `json:"pair"`
	Kind          string    `json:"kind"`
	RecordType    string    `json:"record_type"`
	Key           string    `json:"key"`
	Status        string    `json:"status"`
	Priority      int       `json:"priority"`
	Day           time.Time `json:"day"`
	Authoritative string    `json:"authoritative"`
	Left          BreakSide `json:"left"`
	Right         BreakSide `json:"right"`
	// Difference is authoritative minus other in Currency; nil when the
	// sides are in different currencies.
	Difference        *int64          `json:"difference"`
	AtStake           int64           `json:"at_stake"`
	Currency          string          `json:"currency"`
	ReportingCurrency string          `json:"reporting_currency"`
	ReportingAmount   *int64          `json:"reporting_amount"` // nil: no rate values it
	Detail            string          `json:"detail"`
	Versions          json.RawMessage `json:"versions,omitempty"`
	Action            string          `json:"resolution_action,omitempty"`
	ResolvedBy        string          `json:"resolved_by,omitempty"`
	Reason            string          `json:"resolution_reason,omitempty"`
	ResolvedAt        *time.Time      `json:"resolved_at,omitempty"`
	JournalEntry      *uuid.UUID      `json:"journal_entry,omitempty"`
	CarriedFrom       *uuid.UUID      `json:"carried_from,omitempty"`
}

// BreakSide is one side of a break.
type BreakSide struct {
	Source   string   `json:"source"`
	IDs      []string `json:"ids"`
	Amount   *int64   `json:"amount"`
	Currency string   `json:"currency"`
}

// Break is the discrepancy as recon's resolution rules see it.
func (d Discrepancy) Break() recon.Break {
	return recon.Break{Status: d.Status, Kind: d.Kind, Difference: d.Difference, Currency: d.Currency}
}

// OtherSource is the source of the side that is not authoritative: the
// one an adjustment corrects.
func (d Discrepancy) OtherSource() string {
	if d.Authoritative == recon.Left {
		return d.Right.Source
	}
	return d.Left.Source
}

const breakColumns = `id, cycle_id, pair, kind, record_type, key, status, priority, day, authoritative,
	left_source, left_ids, left_amount, coalesce(left_currency, ''), right_source, right_ids, right_amount, coalesce(right_currency, ''),
	difference, at_stake, currency, reporting_currency, reporting_amount, detail, versions,
	coalesce(resolution_action, ''), coalesce(resolved_by, ''), coalesce(resolution_reason, ''), resolved_at, journal_entry, carried_from`

func scanBreak(r pgx.CollectableRow) (Discrepancy, error) {
	var d Discrepancy
	err := r.Scan(&d.ID, &d.CycleID, &d.Pair, &d.Kind, &d.RecordType, &d.Key, &d.Status, &d.Priority, &d.Day, &d.Authoritative,
		&d.Left.Source, &d.Left.IDs, &d.Left.Amount, &d.Left.Currency, &d.Right.Source, &d.Right.IDs, &d.Right.Amount, &d.Right.Currency,
		&d.Difference, &d.AtStake, &d.Currency, &d.ReportingCurrency, &d.ReportingAmount, &d.Detail, &d.Versions,
		&d.Action, &d.ResolvedBy, &d.Reason, &d.ResolvedAt, &d.JournalEntry, &d.CarriedFrom)
	d.Day = d.Day.UTC()
	return d, err
}

// BreakFilter narrows a cycle's discrepancies.
type BreakFilter struct {
	CycleID uuid.UUID
	Status  string
	// Type matches the kind (a reason code) or the record type.
	Type string
	// MinReporting keeps breaks worth at least this much in the reporting
	// currency, and those no rate values (they may be worth more).
	MinReporting *int64
	// Limit, when positive, pages the list from Offset: a cycle may hold
	// more breaks than a page or an answer should.
	Limit, Offset int
}

// Discrepancies lists a cycle's breaks in priority order.
func (s *Store) Discrepancies(ctx context.Context, f BreakFilter) ([]Discrepancy, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+breakColumns+` FROM discrepancies
		WHERE cycle_id = $1 AND ($2 = '' OR status = $2) AND ($3 = '' OR kind = $3 OR record_type = $3)
		  AND ($4::bigint IS NULL OR reporting_amount IS NULL OR reporting_amount >= $4)
		ORDER BY priority, id LIMIT $5 OFFSET $6`, f.CycleID, f.Status, f.Type, f.MinReporting, limitOrAll(f.Limit), f.Offset)
	if err != nil {
		return nil, fmt.Errorf("discrepancies of cycle %s: %w", f.CycleID, err)
	}
	return pgx.CollectRows(rows, scanBreak)
}

// limitOrAll is a LIMIT parameter: NULL (no limit) unless positive.
func limitOrAll(n int) *int {
	if n <= 0 {
		return nil
	}
	return &n
}

// DiscrepanciesByID loads the named breaks; an ID not found is absent.
func (s *Store) DiscrepanciesByID(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]Discrepancy, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+breakColumns+` FROM discrepancies WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("load %d discrepancies: %w", len(ids), err)
	}
	list, err := pgx.CollectRows(rows, scanBreak)
	if err != nil {
		return nil, fmt.Errorf("load %d discrepancies: %w", len(ids), err)
	}
	out := make(map[uuid.UUID]Discrepancy, len(list))
	for _, d := range list {
		out[d.ID] = d
	}
	return out, nil
}

// Discrepancy loads one break.
func (s *Store) Discrepancy(ctx context.Context, id uuid.UUID) (Discrepancy, error) {
	found, err := s.DiscrepanciesByID(ctx, []uuid.UUID{id})
	if err != nil {
		return Discrepancy{}, err
	}
	d, ok := found[id]
	if !ok {
		return Discrepancy{}, fmt.Errorf("discrepancy %s: %w", id, ErrNotFound)
	}
	return d, nil
}

// ReconTally is what one pair matched of one type (see recon_tallies).
type ReconTally struct {
	Pair, Type  string
	Matched     int64
	Left, Right SideTally
}

// SideTally is one side's records in a tally: every record is matched,
// unpaired, in a row with a rejected record, or in one of the pair's breaks.
type SideTally struct{ Records, Matched, Unpaired, Rejected int64 }

// ReconTallies lists a cycle's tallies by pair and type.
func (s *Store) ReconTallies(ctx context.Context, cycleID uuid.UUID) ([]ReconTally, error) {
	rows, err := s.Pool.Query(ctx, `SELECT pair, type, matched, left_records, left_matched, left_unpaired, left_rejected,
			right_records, right_matched, right_unpaired, right_rejected
		FROM recon_tallies WHERE cycle_id = $1 ORDER BY pair, type`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("tallies of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReconTally, error) {
		var t ReconTally
		err := r.Scan(&t.Pair, &t.Type, &t.Matched, &t.Left.Records, &t.Left.Matched, &t.Left.Unpaired, &t.Left.Rejected,
			&t.Right.Records, &t.Right.Matched, &t.Right.Unpaired, &t.Right.Rejected)
		return t, err
	})
}

// ReconCounts are the cycle's matched, auto-resolved, open and resolved
// counts by pair and type, with the open amount, as they stand now.
func (s *Store) ReconCounts(ctx context.Context, cycleID uuid.UUID) ([]recon.Count, error) {
	rows, err := s.Pool.Query(ctx, `
		WITH b AS (
			SELECT pair, record_type AS type,
			       count(*) FILTER (WHERE status = 'auto_resolved') AS auto_resolved,
			       count(*) FILTER (WHERE status = 'open') AS open,
			       count(*) FILTER (WHERE status IN ('accepted', 'adjusted', 'carried')) AS resolved,
			       coalesce(sum(reporting_amount) FILTER (WHERE status = 'open'), 0) AS open_amount,
			       count(*) FILTER (WHERE status = 'open' AND reporting_amount IS NULL) AS unvalued
			FROM discrepancies WHERE cycle_id = $1 GROUP BY 1, 2)
		SELECT coalesce(t.pair, b.pair), coalesce(t.type, b.type), coalesce(t.matched, 0),
		       coalesce(b.auto_resolved, 0), coalesce(b.open, 0), coalesce(b.resolved, 0),
		       coalesce(b.open_amount, 0)::bigint, coalesce(b.unvalued, 0)
		FROM (SELECT * FROM recon_tallies WHERE cycle_id = $1) t FULL JOIN b ON b.pair = t.pair AND b.type = t.type
		ORDER BY 1, 2`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("reconciliation counts of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[recon.Count])
}

// OpenBreaks sums the cycle's open breaks for the gate.
func (s *Store) OpenBreaks(ctx context.Context, cycleID uuid.UUID) (recon.Open, error) {
	var o recon.Open
	err := s.Pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(reporting_amount), 0)::bigint, count(*) FILTER (WHERE reporting_amount IS NULL),
			count(*) FILTER (WHERE kind = $2), coalesce((SELECT reporting_currency FROM recon_runs WHERE cycle_id = $1), '')
		FROM discrepancies WHERE cycle_id = $1 AND status = 'open'`, cycleID, recon.ConflictingDuplicate).
		Scan(&o.Count, &o.Amount, &o.Unvalued, &o.Conflicts, &o.ReportingCurrency)
	if err != nil {
		return o, fmt.Errorf("open breaks of cycle %s: %w", cycleID, err)
	}
	return o, nil
}

// Reconciled reports whether the cycle's reconciliation has run.
func (s *Store) Reconciled(ctx context.Context, cycleID uuid.UUID) (bool, error) {
	var one int
	err := s.Pool.QueryRow(ctx, `SELECT 1 FROM recon_runs WHERE cycle_id = $1`, cycleID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// DiscrepancyFigures are the cycle's breaks as stage-3 figures count them:
// found by kind, open, what the open ones put at stake per currency, and
// the open one looked at first.
func (s *Store) DiscrepancyFigures(ctx context.Context, cycleID uuid.UUID) (trend.Discrepancies, error) {
	f := trend.Discrepancies{ByType: map[string]int64{}, OpenAmount: map[string]int64{}}
	rows, err := s.Pool.Query(ctx, `SELECT kind, currency, count(*), count(*) FILTER (WHERE status = 'open'),
			coalesce(sum(at_stake) FILTER (WHERE status = 'open'), 0)::bigint
		FROM discrepancies WHERE cycle_id = $1 GROUP BY kind, currency`, cycleID)
	if err != nil {
		return f, fmt.Errorf("discrepancy figures of cycle %s: %w", cycleID, err)
	}
	for rows.Next() {
		var kind, currency string
		var found, open, stake int64
		if err := rows.Scan(&kind, &currency, &found, &open, &stake); err != nil {
			rows.Close()
			return f, err
		}
		f.Found, f.Open = f.Found+found, f.Open+open
		f.ByType[kind] += found
		if open > 0 {
			f.OpenAmount[currency] += stake
		}
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	open, err := s.Pool.Query(ctx, `SELECT `+breakColumns+` FROM discrepancies WHERE cycle_id = $1 AND status = 'open'
		ORDER BY priority, id LIMIT 1`, cycleID)
	if err != nil {
		return f, fmt.Errorf("largest open discrepancy of cycle %s: %w", cycleID, err)
	}
	first, err := pgx.CollectRows(open, scanBreak)
	if err != nil || len(first) == 0 {
		return f, err
	}
	d := first[0]
	f.Largest = &trend.Discrepancy{Type: d.Kind, Description: recon.Describe(d.Kind, d.Left.Source, d.Right.Source),
		Currency: d.Currency, Amount: d.AtStake}
	return f, nil
}

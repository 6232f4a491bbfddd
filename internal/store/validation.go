package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// StagedTxn is a staged transaction as the validation step reads it.
type StagedTxn struct {
	Source        string
	TransactionID string
	Type          string
	Amount        int64
	Currency      string
	OccurredAt    time.Time
	RefID         string
}

// RuleReject is a business-rule rejection to quarantine.
type RuleReject struct {
	Source        string
	TransactionID string
	Reason        string
	Detail        string
}

// EachStaged streams a cycle's staged transactions to fn without loading
// them all at once.
func (s *Store) EachStaged(ctx context.Context, cycleID uuid.UUID, fn func(StagedTxn) error) error {
	rows, err := s.Pool.Query(ctx, `SELECT source, transaction_id, type, amount, currency, occurred_at, ref_transaction_id
		FROM staged_transactions WHERE cycle_id = $1`, cycleID)
	if err != nil {
		return fmt.Errorf("read staged transactions of cycle %s: %w", cycleID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var t StagedTxn
		if err := rows.Scan(&t.Source, &t.TransactionID, &t.Type, &t.Amount, &t.Currency, &t.OccurredAt, &t.RefID); err != nil {
			return fmt.Errorf("scan staged transaction of cycle %s: %w", cycleID, err)
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BetIDs returns the ids of a source's staged bets in a cycle, for the
// rollback rule.
func (s *Store) BetIDs(ctx context.Context, cycleID uuid.UUID) (map[string]map[string]bool, error) {
	rows, err := s.Pool.Query(ctx, `SELECT source, transaction_id FROM staged_transactions
		WHERE cycle_id = $1 AND type = 'bet'`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("bet ids of cycle %s: %w", cycleID, err)
	}
	return collectBySource(rows)
}

// collectBySource reads (source, id) rows into a set per source.
func collectBySource(rows pgx.Rows) (map[string]map[string]bool, error) {
	defer rows.Close()
	out := map[string]map[string]bool{}
	for rows.Next() {
		var source, id string
		if err := rows.Scan(&source, &id); err != nil {
			return nil, fmt.Errorf("scan (source, id): %w", err)
		}
		if out[source] == nil {
			out[source] = map[string]bool{}
		}
		out[source][id] = true
	}
	return out, rows.Err()
}

// EarlierBets returns, per source, the bets that the cycle's rollbacks
// reference and that were accepted in the scope's earlier settled cycles:
// a rollback may cancel a bet placed just before the period's cut-off.
func (s *Store) EarlierBets(ctx context.Context, c Cycle) (map[string]map[string]bool, error) {
	rows, err := s.Pool.Query(ctx, `SELECT DISTINCT r.source, r.ref_transaction_id
		FROM staged_transactions r
		JOIN staged_transactions b ON b.source = r.source AND b.transaction_id = r.ref_transaction_id
		                          AND b.type = 'bet' AND b.status = 'accepted'
		JOIN cycles p ON p.id = b.cycle_id
		WHERE r.cycle_id = $1 AND r.type = 'rollback'
		  AND p.scope = $2 AND p.period_start < $3 AND p.status IN ('completed', 'superseded')`,
		c.ID, c.Scope, c.PeriodStart)
	if err != nil {
		return nil, fmt.Errorf("earlier bets for the rollbacks of cycle %s: %w", c.ID, err)
	}
	return collectBySource(rows)
}

// ApplyValidation marks every staged transaction of the cycle accepted but
// the rejected ones, and quarantines the rejections, in one transaction.
// Running it again with the same rejections changes nothing.
func (s *Store) ApplyValidation(ctx context.Context, cycleID uuid.UUID, rejects []RuleReject) error {
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE staged_transactions SET status = 'accepted' WHERE cycle_id = $1`, cycleID); err != nil {
			return fmt.Errorf("accept staged: %w", err)
		}
		batch := &pgx.Batch{}
		for _, r := range rejects {
			batch.Queue(`UPDATE staged_transactions SET status = 'rejected'
				WHERE cycle_id = $1 AND source = $2 AND transaction_id = $3`, cycleID, r.Source, r.TransactionID)
			batch.Queue(`INSERT INTO quarantine (cycle_id, source, record_key, stage, reason, detail, raw)
				SELECT cycle_id, source, transaction_id, 'rules', $4, $5, to_jsonb(s) - 'cycle_id' - 'status'
				FROM staged_transactions s WHERE cycle_id = $1 AND source = $2 AND transaction_id = $3
				ON CONFLICT DO NOTHING`, cycleID, r.Source, r.TransactionID, r.Reason, r.Detail)
		}
		return tx.SendBatch(ctx, batch).Close()
	})
	if err != nil {
		return fmt.Errorf("apply validation of cycle %s (%d rejections): %w", cycleID, len(rejects), err)
	}
	return nil
}

// StagingCounts summarises a cycle's staging and quarantine.
type StagingCounts struct {
	Staged        int64
	Accepted      int64
	Rejected      int64 // staged transactions refused by rules
	FormatRejects int64 // records refused before staging
	Conflicts     int64 // conflicting duplicates
	ByReason      map[string]int64
}

// Counts returns the cycle's staging counts.
func (s *Store) Counts(ctx context.Context, cycleID uuid.UUID) (StagingCounts, error) {
	c := StagingCounts{ByReason: map[string]int64{}}
	err := s.Pool.QueryRow(ctx, `SELECT count(*),
			count(*) FILTER (WHERE status = 'accepted'),
			count(*) FILTER (WHERE status = 'rejected')
		FROM staged_transactions WHERE cycle_id = $1`, cycleID).Scan(&c.Staged, &c.Accepted, &c.Rejected)
	if err != nil {
		return c, fmt.Errorf("count staging of cycle %s: %w", cycleID, err)
	}
	rows, err := s.Pool.Query(ctx, `SELECT stage, reason, count(*) FROM quarantine WHERE cycle_id = $1 GROUP BY stage, reason`, cycleID)
	if err != nil {
		return c, fmt.Errorf("count quarantine of cycle %s: %w", cycleID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var stage, reason string
		var n int64
		if err := rows.Scan(&stage, &reason, &n); err != nil {
			return c, fmt.Errorf("scan quarantine count: %w", err)
		}
		c.ByReason[reason] += n
		switch stage {
		case "format":
			c.FormatRejects += n
		case "duplicate":
			c.Conflicts += n
		}
	}
	return c, rows.Err()
}

// SourceTotals are one source's accepted amounts in one currency.
type SourceTotals struct {
	Source    string
	Currency  string
	Bets      int64
	Wins      int64
	Rollbacks int64
	Count     int64
}

// AcceptedTotals sums the accepted transactions of a cycle per source and
// currency, in a stable order.
func (s *Store) AcceptedTotals(ctx context.Context, cycleID uuid.UUID) ([]SourceTotals, error) {
	rows, err := s.Pool.Query(ctx, `SELECT source, currency,
			COALESCE(sum(amount) FILTER (WHERE type = 'bet'), 0)::bigint,
			COALESCE(sum(amount) FILTER (WHERE type = 'win'), 0)::bigint,
			COALESCE(sum(amount) FILTER (WHERE type = 'rollback'), 0)::bigint,
			count(*)
		FROM staged_transactions WHERE cycle_id = $1 AND status = 'accepted'
		GROUP BY source, currency ORDER BY source, currency`, cycleID)
	if err != nil {
		return nil, fmt.Errorf("totals of cycle %s: %w", cycleID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (SourceTotals, error) {
		var t SourceTotals
		err := r.Scan(&t.Source, &t.Currency, &t.Bets, &t.Wins, &t.Rollbacks, &t.Count)
		return t, err
	})
}

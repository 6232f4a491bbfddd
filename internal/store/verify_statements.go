package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/audit"
)

const statementsTable = "statements"

// storedStatement is a statement as verification reads it, with the
// SHA-256 of its stored content as PostgreSQL recomputes it. StoredSeq is nil
// for a row inserted outside PublishStatement.
type storedStatement struct {
	audit.Statement
	StoredSeq     *int64
	MAC           string
	KeyID         string
	ContentSHA256 string
}

// check finds what is wrong with the statement itself: content that no
// longer has the published hash, or a seal that no longer matches.
func (st storedStatement) check(keys *audit.Keyring) error {
	if st.ContentSHA256 != st.SHA256 {
		return errors.New("content edited: it no longer has its published SHA-256")
	}
	if st.KeyID == "" {
		return nil
	}
	if err := keys.Verify(st.Message(), audit.Seal{KeyID: st.KeyID, MAC: st.MAC}); err != nil {
		return fmt.Errorf("edited: %w", err)
	}
	return nil
}

// verifyStatements checks every statement's content and seal, the chain
// of statements and its sealed head.
func (s *Store) verifyStatements(ctx context.Context, keys *audit.Keyring, r *audit.Report) error {
	rows, err := s.Pool.Query(ctx, `SELECT id, cycle_id, partner, sha256, created_at, seq, prev_mac, mac, key_id,
			encode(sha256(convert_to(content_json || E'\n' || content_csv, 'UTF8')), 'hex')
		FROM statements ORDER BY seq NULLS LAST, created_at, id`)
	if err != nil {
		return fmt.Errorf("read statements: %w", err)
	}
	var chained []audit.Row
	var st storedStatement
	_, err = pgx.ForEachRow(rows, []any{&st.ID, &st.CycleID, &st.Partner, &st.SHA256, &st.CreatedAt, &st.StoredSeq, &st.PrevMAC,
		&st.MAC, &st.KeyID, &st.ContentSHA256}, func() error {
		r.Count(statementsTable, st.KeyID != "")
		ref := audit.Ref{Table: statementsTable, ID: st.ID.String(), Cycle: st.CycleID.String()}
		if st.StoredSeq == nil {
			r.Add(audit.Finding{Table: ref.Table, ID: ref.ID, Cycle: ref.Cycle,
				Problem: "not in the statements' chain: inserted without the key"})
			return nil
		}
		st.Statement.Seq = *st.StoredSeq
		chained = append(chained, audit.Row{Ref: ref, Seq: *st.StoredSeq, Prev: st.PrevMAC, Link: st.MAC, Sealed: st.KeyID != "",
			Err: st.check(keys)})
		return nil
	})
	if err != nil {
		return fmt.Errorf("read statements: %w", err)
	}
	return s.walkShared(ctx, keys, r, audit.Chain{Name: audit.StatementChain, Table: statementsTable}, chained)
}

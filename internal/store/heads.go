package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/audit"
)

// ErrNoKey is returned when a book is written without an audit key.
var ErrNoKey = errors.New("no audit key: set " + audit.EnvKey + " or " + audit.EnvKeyFile + "; the books are only written sealed")

// sealer returns the keys that seal what is appended to the books.
func (s *Store) sealer() (*audit.Keyring, error) {
	if s.Keys == nil {
		return nil, ErrNoKey
	}
	return s.Keys, nil
}

// sealHead moves a chain's sealed head to h, in the transaction that
// appends the row h names.
func sealHead(ctx context.Context, tx pgx.Tx, keys *audit.Keyring, h audit.Head) error {
	seal := keys.Sign(h.Message())
	_, err := tx.Exec(ctx, `INSERT INTO audit_heads (chain, seq, link, key_id, mac) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (chain) DO UPDATE SET seq = EXCLUDED.seq, link = EXCLUDED.link, key_id = EXCLUDED.key_id,
			mac = EXCLUDED.mac, updated_at = now()`, h.Chain, h.Seq, h.Link, seal.KeyID, seal.MAC)
	if err != nil {
		return fmt.Errorf("seal head of %s at %d: %w", h.Chain, h.Seq, err)
	}
	return nil
}

// chainEnd is the last sequence number of a chained table (journal_entries
// or statements) and that row's seal; 0 and "" when it is empty.
func chainEnd(ctx context.Context, tx pgx.Tx, table string) (int64, string, error) {
	var seq int64
	var mac string
	err := tx.QueryRow(ctx, `SELECT seq, mac FROM `+pgx.Identifier{table}.Sanitize()+
		` WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`).Scan(&seq, &mac)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("end of the %s chain: %w", table, err)
	}
	return seq, mac, nil
}

// lockChain serializes appends to one chain for the transaction.
func lockChain(ctx context.Context, tx pgx.Tx, chain string) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('settleflow:chain:' || $1::text))`, chain); err != nil {
		return fmt.Errorf("lock the %s chain: %w", chain, err)
	}
	return nil
}

// sealedHeads reads the heads of the chains whose names match pattern (SQL
// LIKE), each with what checking its seal found.
func (s *Store) sealedHeads(ctx context.Context, keys *audit.Keyring, pattern string) (map[string]*audit.SealedHead, error) {
	rows, err := s.Pool.Query(ctx, `SELECT chain, seq, link, key_id, mac FROM audit_heads WHERE chain LIKE $1`, pattern)
	if err != nil {
		return nil, fmt.Errorf("read audit heads: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*audit.SealedHead, error) {
		var h audit.SealedHead
		var seal audit.Seal
		if err := r.Scan(&h.Chain, &h.Seq, &h.Link, &seal.KeyID, &seal.MAC); err != nil {
			return nil, err
		}
		h.Err = keys.Verify(h.Message(), seal)
		return &h, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read audit heads: %w", err)
	}
	heads := make(map[string]*audit.SealedHead, len(list))
	for _, h := range list {
		heads[h.Chain] = h
	}
	return heads, nil
}

// unsealedUpTo reads how far each chain went before seals began.
func (s *Store) unsealedUpTo(ctx context.Context) (map[string]int64, error) {
	rows, err := s.Pool.Query(ctx, `SELECT chain, last_seq FROM audit_unsealed`)
	if err != nil {
		return nil, fmt.Errorf("read audit_unsealed: %w", err)
	}
	out := map[string]int64{}
	var chain string
	var last int64
	_, err = pgx.ForEachRow(rows, []any{&chain, &last}, func() error {
		out[chain] = last
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read audit_unsealed: %w", err)
	}
	return out, nil
}

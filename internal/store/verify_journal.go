package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/audit"
	"github.com/settleflow/settleflow/internal/ledger"
)

const (
	entriesTable = "journal_entries"
	linesTable   = "journal_lines"
)

// storedEntry is a journal entry as verification reads it. StoredSeq is nil for
// a row inserted outside PostEntry.
type storedEntry struct {
	audit.Entry
	StoredSeq *int64
	MAC       string
	KeyID     string
	// lineNos are the stored line numbers, in order.
	lineNos []int
}

// check finds what is wrong with the entry itself: its seal, or for an
// entry from before seals its lines and balance, which a seal covers too.
func (e storedEntry) check(keys *audit.Keyring) error {
	if e.KeyID != "" {
		if err := keys.Verify(e.Message(), audit.Seal{KeyID: e.KeyID, MAC: e.MAC}); err != nil {
			return fmt.Errorf("edited (entry or lines): %w", err)
		}
	}
	if len(e.Lines) == 0 {
		return errors.New("has no lines")
	}
	for i, n := range e.lineNos {
		if n != i+1 {
			return fmt.Errorf("line %d missing", i+1)
		}
	}
	sums := ledger.Balance(e.Lines)
	for _, cur := range slices.Sorted(maps.Keys(sums)) {
		if sums[cur] != 0 {
			return fmt.Errorf("unbalanced in %s by %d", cur, sums[cur])
		}
	}
	return nil
}

// verifyJournal checks the whole journal: every entry against its seal
// and balance, the chain of entries, its sealed head, and lines whose
// entry is gone.
func (s *Store) verifyJournal(ctx context.Context, keys *audit.Keyring, r *audit.Report) error {
	lines, err := s.journalLines(ctx)
	if err != nil {
		return err
	}
	entries, err := s.journalEntries(ctx)
	if err != nil {
		return err
	}
	var rows []audit.Row
	for _, e := range entries {
		ls := lines[e.ID]
		delete(lines, e.ID)
		for _, l := range ls {
			e.Lines = append(e.Lines, l.Line)
			e.lineNos = append(e.lineNos, l.no)
		}
		r.Count(entriesTable, e.KeyID != "")
		ref := audit.Ref{Table: entriesTable, ID: e.ID.String(), Cycle: e.CycleID.String()}
		if e.StoredSeq == nil {
			r.Add(audit.Finding{Table: ref.Table, ID: ref.ID, Cycle: ref.Cycle,
				Problem: "not in the journal's chain: inserted without the key"})
			continue
		}
		rows = append(rows, audit.Row{Ref: ref, Seq: *e.StoredSeq, Prev: e.PrevMAC, Link: e.MAC, Sealed: e.KeyID != "", Err: e.check(keys)})
	}
	for _, id := range slices.SortedFunc(maps.Keys(lines), func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }) {
		r.Add(audit.Finding{Table: linesTable, ID: id.String(), Problem: "lines of an entry that does not exist: the entry was deleted"})
	}
	return s.walkShared(ctx, keys, r, audit.Chain{Name: audit.JournalChain, Table: entriesTable}, rows)
}

func (s *Store) journalEntries(ctx context.Context) ([]storedEntry, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, cycle_id, kind, reverses, description, posted_at, seq, prev_mac, mac, key_id
		FROM journal_entries ORDER BY seq NULLS LAST, posted_at, id`)
	if err != nil {
		return nil, fmt.Errorf("read journal entries: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storedEntry, error) {
		var e storedEntry
		err := r.Scan(&e.ID, &e.CycleID, &e.Kind, &e.Reverses, &e.Description, &e.PostedAt, &e.StoredSeq, &e.PrevMAC, &e.MAC, &e.KeyID)
		if e.StoredSeq != nil {
			e.Entry.Seq = *e.StoredSeq
		}
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read journal entries: %w", err)
	}
	return out, nil
}

type numberedLine struct {
	ledger.Line
	no int
}

// journalLines reads every line by entry, in line order.
func (s *Store) journalLines(ctx context.Context) (map[uuid.UUID][]numberedLine, error) {
	rows, err := s.Pool.Query(ctx, `SELECT entry_id, line_no, account, currency, amount FROM journal_lines ORDER BY entry_id, line_no`)
	if err != nil {
		return nil, fmt.Errorf("read journal lines: %w", err)
	}
	out := map[uuid.UUID][]numberedLine{}
	var id uuid.UUID
	var l numberedLine
	_, err = pgx.ForEachRow(rows, []any{&id, &l.no, &l.Account, &l.Currency, &l.Amount}, func() error {
		out[id] = append(out[id], l)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read journal lines: %w", err)
	}
	return out, nil
}

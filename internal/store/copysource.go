package store

import (
	"context"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/record"
)

// copySource feeds COPY from pages as the caller fetches them, so a batch
// streams into Postgres while the next page is on its way, and no batch is
// held in memory whole.
type copySource struct {
	batch   Batch
	next    func() (*StagedPage, error)
	page    *StagedPage
	i       int // records of page handed out so far
	row     []any
	attrs   []byte
	rejects []pendingReject
	res     BatchResult
	err     error
}

type pendingReject struct {
	page int
	record.Reject
}

func (c *copySource) Next() bool {
	for c.page == nil || c.i >= len(c.page.Records) {
		p, err := c.next()
		if err != nil {
			c.err = err
			return false
		}
		if p == nil {
			return false
		}
		if err := c.accept(p); err != nil {
			c.err = err
			return false
		}
	}
	c.i++
	c.res.Records++
	return true
}

// accept starts a new page, keeping its rejects for quarantine.
func (c *copySource) accept(p *StagedPage) error {
	if p.Number < 0 || p.Number >= maxPagesPerRun {
		return fmt.Errorf("source %s slice %d: page %d out of range", c.batch.Source, c.batch.Slice, p.Number)
	}
	if len(p.Records)+len(p.Rejects) >= maxPageRecords {
		return fmt.Errorf("source %s slice %d page %d: %d records, more than a page may hold", c.batch.Source,
			c.batch.Slice, p.Number, len(p.Records)+len(p.Rejects))
	}
	for _, r := range p.Rejects {
		c.rejects = append(c.rejects, pendingReject{page: p.Number, Reject: r})
	}
	c.page, c.i = p, 0
	c.res.Pages++
	return nil
}

// Values encodes the current record. COPY encodes a row before asking for
// the next one, so the row and the attribute buffer are reused.
func (c *copySource) Values() ([]any, error) {
	r := &c.page.Records[c.i-1]
	b := c.batch
	c.attrs = record.AppendAttrsJSON(c.attrs[:0], r.Attrs)
	pos := int64(b.Slice)<<44 | int64(c.page.Number)<<20 | int64(c.i-1)
	// UUIDs go as [16]byte: pgx encodes those directly, while uuid.UUID
	// would take the driver.Valuer path through a formatted string.
	c.row = append(c.row[:0], [16]byte(b.CycleID), pos, [16]byte(record.Key(b.Scope, b.Source, r.ExternalID)), r.Amount,
		r.OccurredAt, b.Source, r.ExternalID, r.ReferenceID, r.Player, r.Type, r.Currency, c.attrs, r.Hash[:])
	return c.row, nil
}

func (c *copySource) Err() error { return c.err }

// quarantineFormatRejects stores a batch's format rejects with the bytes as
// received. A re-fetched page quarantines its rejects once.
func quarantineFormatRejects(ctx context.Context, tx pgx.Tx, b Batch, rejects []pendingReject) (int, error) {
	if len(rejects) == 0 {
		return 0, nil
	}
	batch := &pgx.Batch{}
	for _, r := range rejects {
		batch.Queue(`INSERT INTO quarantine (cycle_id, source, record_key, stage, reason, detail, raw)
			VALUES ($1, $2, $3, 'format', $4, $5, $6) ON CONFLICT DO NOTHING`,
			b.CycleID, b.Source, rejectKey(r.Reject), r.Reason, printable(r.Detail), r.Raw)
	}
	br := tx.SendBatch(ctx, batch)
	n := 0
	for range rejects {
		tag, err := br.Exec()
		if err != nil {
			br.Close()
			return n, fmt.Errorf("quarantine %d format rejects: %w", len(rejects), err)
		}
		n += int(tag.RowsAffected())
	}
	return n, br.Close()
}

// rejectKey identifies a format reject even when it has no usable id, so a
// re-fetched page quarantines it once. An id Postgres text cannot hold
// (invalid UTF-8, NUL) is replaced by the hash of the raw bytes, which the
// raw column keeps as received.
func rejectKey(r record.Reject) string {
	if r.ExternalID != "" && isText(r.ExternalID) {
		return r.ExternalID
	}
	return "sha256:" + sha256Hex(r.Raw)
}

// isText reports whether s can be stored in a Postgres text column.
func isText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return false
		}
	}
	return utf8.ValidString(s)
}

// printable keeps a message storable: one that is not valid text is stored
// quoted, with its bad bytes escaped, never silently dropped.
func printable(s string) string {
	if isText(s) {
		return s
	}
	return strconv.QuoteToASCII(s)
}

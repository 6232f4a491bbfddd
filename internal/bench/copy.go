package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// copyTimes is the bare-COPY baseline: how long Postgres takes to load the
// cycle's staged rows when nothing but COPY is asked of it.
type copyTimes struct {
	rows      int64
	fileBytes int64
	indexed   time.Duration // into a table with a naive staging table's indexes
	bare      time.Duration // into a table without indexes
	// indexedBytes is the indexed table's size once loaded, the yardstick
	// for staging's own size.
	indexedBytes int64
}

// copyBaseline exports the cycle's staged rows to a file in dir in COPY's
// binary format, then times COPY FROM STDIN of that file into fresh
// reference tables, without and with indexes. The tables are dropped after.
func copyBaseline(ctx context.Context, databaseURL string, cycleID uuid.UUID, dir string) (copyTimes, error) {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return copyTimes{}, fmt.Errorf("copy baseline: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	f, err := os.CreateTemp(dir, "staged-*.copy")
	if err != nil {
		return copyTimes{}, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := conn.PgConn().CopyTo(ctx, f, exportStagedSQL(cycleID)); err != nil {
		return copyTimes{}, fmt.Errorf("export staged rows: %w", err)
	}
	var t copyTimes
	if t.fileBytes, err = f.Seek(0, io.SeekCurrent); err != nil {
		return t, err
	}
	if t.bare, t.rows, _, err = timeCopy(ctx, conn, f, "bench_copy_bare", false); err != nil {
		return t, err
	}
	t.indexed, _, t.indexedBytes, err = timeCopy(ctx, conn, f, "bench_copy_indexed", true)
	return t, err
}

// timeCopy creates the reference table and times the COPY of the file into
// it; creating the table and its indexes is not timed. It also returns the
// table's size with its indexes.
func timeCopy(ctx context.Context, conn *pgx.Conn, f *os.File, table string, indexed bool) (time.Duration, int64, int64, error) {
	for _, stmt := range createReferenceSQL(table, indexed) {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return 0, 0, 0, fmt.Errorf("reference table %s: %w", table, err)
		}
	}
	defer conn.Exec(context.WithoutCancel(ctx), dropReferenceSQL(table)) //nolint:errcheck // the database is the bench's
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, 0, 0, err
	}
	began := time.Now()
	tag, err := conn.PgConn().CopyFrom(ctx, f, importReferenceSQL(table))
	took := time.Since(began)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("copy into %s: %w", table, err)
	}
	var size int64
	if err := conn.QueryRow(ctx, `SELECT pg_total_relation_size($1::regclass)`, table).Scan(&size); err != nil {
		return 0, 0, 0, fmt.Errorf("size of %s: %w", table, err)
	}
	return took, tag.RowsAffected(), size, nil
}

package bench

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/settleflow/settleflow/internal/store"
)

// Every statement of the bench that depends on the staging schema is in
// this file, so a new staging schema means editing only here.
//
// Staging is staged_records, LIST-partitioned by cycle: one table per
// cycle, loaded by COPY without indexes and de-duplicated at the end. The
// bare COPY it is compared with loads the same rows into a plain table
// with the indexes a naive staging table keeps up row by row: unique on
// (cycle, source, external id), and (source, external id) for bets.

// stagedColumns are the staged row's columns, exported and re-imported by
// the COPY baseline.
const stagedColumns = `cycle_id, pos, key, amount, occurred_at, booked_at, source, external_id, reference_id, player, type,
	currency, attrs, content_hash`

// stagedCountSQL counts the cycle's staged records ($1: cycle ID).
const stagedCountSQL = `SELECT count(*) FROM staged_records WHERE cycle_id = $1`

// stagingBytesSQL is the cycle's staging storage, indexes and TOAST
// included: its partition.
func stagingBytesSQL(cycleID uuid.UUID) string {
	return `SELECT pg_total_relation_size('` + store.StagingTable(cycleID).Sanitize() + `')`
}

// exportStagedSQL writes the cycle's staged rows in COPY's binary format.
// COPY takes no parameters; a parsed UUID is safe to inline.
func exportStagedSQL(cycleID uuid.UUID) string {
	return fmt.Sprintf(`COPY (SELECT %s FROM %s) TO STDOUT (FORMAT binary)`, stagedColumns, store.StagingTable(cycleID).Sanitize())
}

// createReferenceSQL makes a plain table with the staged columns and, when
// indexed, the indexes a naive staging table needs.
func createReferenceSQL(table string, indexed bool) []string {
	t := pgx.Identifier{table}.Sanitize()
	stmts := []string{`CREATE TABLE ` + t + ` (LIKE staged_records)`}
	if indexed {
		stmts = append(stmts,
			`CREATE UNIQUE INDEX ON `+t+` (cycle_id, source, external_id)`,
			`CREATE INDEX ON `+t+` (source, external_id) WHERE type = 'bet'`)
	}
	return stmts
}

// importReferenceSQL reads the exported rows into a reference table.
func importReferenceSQL(table string) string {
	return `COPY ` + pgx.Identifier{table}.Sanitize() + ` (` + stagedColumns + `) FROM STDIN (FORMAT binary)`
}

func dropReferenceSQL(table string) string {
	return `DROP TABLE IF EXISTS ` + pgx.Identifier{table}.Sanitize()
}

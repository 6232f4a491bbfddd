package bench

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Every statement of the bench that depends on the staging schema is in
// this file, so a new staging schema means editing only here.
//
// Today: one table, staged_transactions(cycle_id, source, transaction_id,
// …, status), primary key (cycle_id, source, transaction_id), and the
// partial index staged_bets_by_id on (source, transaction_id) for bets.
// The bench's database is its own, so the whole table is the cycle's.

// stagedColumns are the staged row's columns, exported and re-imported by
// the COPY baseline.
const stagedColumns = `cycle_id, source, transaction_id, round_id, player_id, game_code, type, amount,
	currency, occurred_at, ref_transaction_id, content_hash, status`

// stagedCountSQL counts the cycle's staged records ($1: cycle ID).
const stagedCountSQL = `SELECT count(*) FROM staged_transactions WHERE cycle_id = $1`

// stagingBytesSQL is the cycle's staging storage, indexes and TOAST
// included: the whole table, since the database holds one cycle.
const stagingBytesSQL = `SELECT pg_total_relation_size('staged_transactions')`

// exportStagedSQL writes the cycle's staged rows in COPY's binary format.
// COPY takes no parameters; a parsed UUID is safe to inline.
func exportStagedSQL(cycleID uuid.UUID) string {
	return fmt.Sprintf(`COPY (SELECT %s FROM staged_transactions WHERE cycle_id = '%s') TO STDOUT (FORMAT binary)`,
		stagedColumns, cycleID)
}

// createReferenceSQL makes a plain table with the staged columns and, when
// indexed, the indexes a naive staging table needs: unique on (cycle,
// source, external id), and (source, external id) for bets, as
// staged_transactions has them.
func createReferenceSQL(table string, indexed bool) []string {
	t := pgx.Identifier{table}.Sanitize()
	stmts := []string{`CREATE TABLE ` + t + ` (LIKE staged_transactions INCLUDING DEFAULTS)`}
	if indexed {
		stmts = append(stmts,
			`CREATE UNIQUE INDEX ON `+t+` (cycle_id, source, transaction_id)`,
			`CREATE INDEX ON `+t+` (source, transaction_id) WHERE type = 'bet'`)
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

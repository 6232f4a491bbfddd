package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/settleflow/settleflow/internal/recon"
)

// ReconcileParams is one cycle's reconciliation as the SQL takes it.
type ReconcileParams struct {
	CycleID     uuid.UUID
	Scope       string
	PeriodStart time.Time
	Config      recon.Config
	// Rates value breaks in the reporting currency (recon.Config.RateTable).
	Rates []recon.Rate
}

// ReconcileRun says what a reconciliation did.
type ReconcileRun struct {
	// AlreadyDone is set when an earlier attempt had reconciled the cycle:
	// nothing was matched again.
	AlreadyDone bool
	// CarriedIn counts the breaks carried in from earlier cycles.
	CarriedIn int64
}

// ErrBadRecord marks staged data reconciliation cannot read, such as a fee
// that is not a whole number; no retry fixes it.
var ErrBadRecord = errors.New("bad record")

// Reconcile matches every pair of the scope over the cycle's staged
// records, set-based, and records every break in one transaction: breaks
// carried in from earlier cycles, each pair's breaks and tallies, the
// conflicting duplicates the pull quarantined, control totals that
// disagree with staging, carried breaks completed by a late counterpart;
// then it values and ranks them. Once it has committed, running it again
// changes nothing.
func (s *Store) Reconcile(ctx context.Context, p ReconcileParams) (ReconcileRun, error) {
	var run ReconcileRun
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('recon:' || $1::text))`, p.CycleID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `SELECT carried_in FROM recon_runs WHERE cycle_id = $1`, p.CycleID).Scan(&run.CarriedIn)
		if err == nil {
			run.AlreadyDone = true
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		run.CarriedIn, err = s.reconcileTx(ctx, tx, p)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO recon_runs (cycle_id, reporting_currency, carried_in) VALUES ($1, $2, $3)`,
			p.CycleID, p.Config.ReportingCurrency, run.CarriedIn)
		return err
	})
	if err != nil {
		return ReconcileRun{}, fmt.Errorf("reconcile cycle %s: %w", p.CycleID, err)
	}
	return run, nil
}

func (s *Store) reconcileTx(ctx context.Context, tx pgx.Tx, p ReconcileParams) (int64, error) {
	table := StagingTable(p.CycleID).Sanitize()
	base := pgx.NamedArgs{"cycle": p.CycleID, "rep": p.Config.ReportingCurrency, "scope": p.Scope, "start": p.PeriodStart}
	if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '256MB'`); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE recon_dup (side text, k text, external_id text, type text, amount bigint,
		currency text, t timestamptz, rej bool, rn bigint, first_id text) ON COMMIT DROP`); err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, carryInSQL, base)
	if err != nil {
		return 0, fmt.Errorf("carry breaks in: %w", err)
	}
	for _, pair := range p.Config.Pairs {
		if err := reconcilePair(ctx, tx, table, p, pair); err != nil {
			return 0, fmt.Errorf("pair %s: %w", pair.Name, err)
		}
	}
	steps := []struct{ what, sql string }{
		{"conflicting duplicates", expand(conflictsSQL, "{T}", table)},
		{"control totals", expand(controlTotalsSQL, "{T}", table)},
	}
	if tag.RowsAffected() > 0 {
		steps = append(steps, struct{ what, sql string }{"late counterparts", lateSQL})
	}
	for _, st := range steps {
		if _, err := tx.Exec(ctx, st.sql, base); err != nil {
			return 0, fmt.Errorf("%s: %w", st.what, err)
		}
	}
	if err := valueAndRank(ctx, tx, base, p.Rates); err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func reconcilePair(ctx context.Context, tx pgx.Tx, table string, p ReconcileParams, pair recon.Pair) error {
	args, err := pairArgs(p, pair)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `TRUNCATE recon_dup`); err != nil {
		return err
	}
	if err := checkFees(ctx, tx, table, pair, args); err != nil {
		return err
	}
	dups := []string{sideDupSQL(table, pair.Left, "l"), sideDupSQL(table, pair.Right, "r")}
	switch pair.Shape {
	case recon.ManyToOne:
		dups = dups[1:]
	case recon.OneToMany:
		dups = dups[:1]
	}
	for _, sql := range dups {
		if _, err := tx.Exec(ctx, sql, args); err != nil {
			return fmt.Errorf("find duplicate keys: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, pairSQL(table, pair), args); err != nil {
		if isOutOfRange(err) {
			return fmt.Errorf("%w: an amount, net or difference does not fit in 64-bit minor units: %v", ErrBadRecord, err)
		}
		return fmt.Errorf("match: %w", err)
	}
	return nil
}

// pairArgs are the named arguments of a pair's statements.
func pairArgs(p ReconcileParams, pair recon.Pair) (pgx.NamedArgs, error) {
	var mapL, mapR []string
	for _, t := range pair.Types {
		mapL, mapR = append(mapL, t.Left), append(mapR, t.Right)
	}
	curs := slices.Sorted(maps.Keys(pair.Tolerance.Absolute))
	abs := make([]int64, len(curs))
	for i, c := range curs {
		abs[i] = pair.Tolerance.Absolute[c]
	}
	pct := pair.Tolerance.Percent.Rat()
	args := pgx.NamedArgs{
		"cycle": p.CycleID, "pair": pair.Name, "rep": p.Config.ReportingCurrency, "authoritative": pair.Authoritative,
		"auth_left": pair.Authoritative == recon.Left, "l_source": pair.Left.Source, "r_source": pair.Right.Source,
		"types_l": pair.LeftTypes(), "types_r": pair.RightTypes(), "map_l": mapL, "map_r": mapR,
		"req_l": pair.Requires(recon.Left), "req_r": pair.Requires(recon.Right),
		"cmp_type": pair.Compare.Type, "cmp_currency": pair.Compare.Currency, "cmp_amount": pair.Compare.Amount,
		"cmp_time": pair.Compare.Time, "window": pair.Tolerance.Window,
		"tol_cur": curs, "tol_abs": abs, "pct_num": pct.Num().String(), "pct_den": pct.Denom().String(),
		"negate": append([]string{}, pair.Net.Negate...), "fee_attr": pair.Net.FeeAttr,
		"tally_type": pair.TallyType(recon.Left, ""),
	}
	for side, s := range map[string]recon.Side{"l": pair.Left, "r": pair.Right} {
		if attr, ok := strings.CutPrefix(s.Key, recon.KeyAttrPrefix); ok {
			args[side+"_attr"] = attr
		}
		if len(s.Where) > 0 {
			where, err := json.Marshal(s.Where)
			if err != nil {
				return nil, err
			}
			args[side+"_where"] = string(where)
		}
	}
	return args, nil
}

// checkFees refuses a many side whose fee attribute is not a whole number
// of minor units, naming the records, before any sum could fail on it.
func checkFees(ctx context.Context, tx pgx.Tx, table string, pair recon.Pair, args pgx.NamedArgs) error {
	if pair.Net.FeeAttr == "" {
		return nil
	}
	many, side := pair.Left, "l"
	if pair.Shape == recon.OneToMany {
		many, side = pair.Right, "r"
	}
	rows, err := tx.Query(ctx, `SELECT s.external_id, s.attrs->>@fee_attr FROM `+table+` s
		WHERE s.type = ANY(@types_`+side+`::text[]) AND `+sideWhereSQL(many, side)+`
		  AND s.attrs->>@fee_attr IS NOT NULL AND s.attrs->>@fee_attr !~ '^-?[0-9]{1,18}$'
		ORDER BY s.external_id LIMIT 5`, args)
	if err != nil {
		return err
	}
	bad, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var id, fee string
		err := r.Scan(&id, &fee)
		return fmt.Sprintf("record %s: attrs.%s %q", id, pair.Net.FeeAttr, fee), err
	})
	if err != nil || len(bad) == 0 {
		return err
	}
	return fmt.Errorf("%w: source %s: %s: a fee must be a whole number of minor units", ErrBadRecord, many.Source, strings.Join(bad, "; "))
}

// valueAndRank values every break of the cycle in the reporting currency
// and numbers them in priority order.
func valueAndRank(ctx context.Context, tx pgx.Tx, base pgx.NamedArgs, rates []recon.Rate) error {
	args := maps.Clone(base)
	days := make([]pgtype.Date, len(rates))
	curs, nums, dens := make([]string, len(rates)), make([]string, len(rates)), make([]string, len(rates))
	for i, r := range rates {
		days[i] = pgtype.Date{Time: r.Day, Valid: !r.Day.IsZero()}
		curs[i], nums[i], dens[i] = r.Currency, r.Factor.Num().String(), r.Factor.Denom().String()
	}
	args["rate_day"], args["rate_cur"], args["rate_num"], args["rate_den"] = days, curs, nums, dens
	args["kinds"] = recon.Kinds
	if _, err := tx.Exec(ctx, valueSQL, args); err != nil {
		if isOutOfRange(err) {
			return fmt.Errorf("%w: a break's value in %s does not fit in 64-bit minor units", ErrBadRecord, base["rep"])
		}
		return fmt.Errorf("value breaks: %w", err)
	}
	if _, err := tx.Exec(ctx, rankSQL, args); err != nil {
		return fmt.Errorf("rank breaks: %w", err)
	}
	return nil
}

// isOutOfRange reports a value beyond its column's type (22003).
func isOutOfRange(err error) bool {
	var code interface{ SQLState() string }
	return errors.As(err, &code) && code.SQLState() == "22003"
}

package store

import "strings"

// The SQL of validation, kept beside validate.Rules.CheckAll, the Go
// statement of the same rules that store tests hold it to.

// keySQL is record.Key in SQL, for ids only the database has at hand.
func keySQL(scope, source, id string) string {
	return `('x' || left(encode(sha256(convert_to(` + scope + `, 'UTF8') || '\x00'::bytea || convert_to(` + source +
		`, 'UTF8') || '\x00'::bytea || convert_to(` + id + `, 'UTF8')), 'hex'), 16))::bit(64)::bigint`
}

// breaksBasicRule is true for a row that breaks a rule on its own; the
// parameters are those of rollbackDecisionsSQL.
const breaksBasicRule = `(%[1]s.currency <> ALL($4::text[]) OR %[1]s.amount < 0 OR %[2]s < $2 OR %[2]s >= $3)`

func basicRule(alias string) string {
	return strings.NewReplacer("%[1]s", alias, "%[2]s", bookedSQL(alias)).Replace(breaksBasicRule)
}

// bookedSQL is when the source booked a row: its booked_at attribute (a
// late arrival), else when it happened. A period holds what was booked in
// it, as its pull served it.
func bookedSQL(alias string) string {
	return `coalesce((` + alias + `.attrs->>'booked_at')::timestamptz, ` + alias + `.occurred_at)`
}

// rollbackDecisionsSQL decides every rollback of the cycle into a temporary
// table: which bet it cancels (one of this cycle's, looked up from the
// rollbacks' side, or one settled in an earlier period, probed by key so
// the plan does not depend on the registry's statistics) and why it is
// refused, if it is. The first otherwise valid rollback of a bet, in
// delivery order, cancels it; later ones are double rollbacks.
// $1 scope, $2 period start, $3 period end, $4 known currencies,
// $5 sources whose rollbacks cancel bets.
func rollbackDecisionsSQL(table string) string {
	return `CREATE TEMP TABLE rollback_decisions ON COMMIT DROP AS
WITH r AS (
    SELECT r.source, r.external_id, r.reference_id, r.amount, r.currency, r.pos, ` + basicRule("r") + ` AS broken
    FROM ` + table + ` r WHERE r.type = 'rollback' AND r.source = ANY($5::text[])
),
here AS (
    -- A re-sent bet is the one settled before, found below instead.
    SELECT b.source, b.external_id, b.amount, b.currency, ` + basicRule("b") + ` AS rejected
    FROM ` + table + ` b
    WHERE b.type = 'bet' AND (b.source, b.external_id) IN (SELECT source, reference_id FROM r)
      AND NOT EXISTS (SELECT 1 FROM settled_records g JOIN cycles c ON c.id = g.cycle_id
                      WHERE g.key = b.key AND g.source = b.source AND g.external_id = b.external_id
                        AND c.scope = $1 AND c.period_start <> $2)
),
matched AS (
    SELECT r.*, h.external_id IS NOT NULL AS in_cycle, coalesce(h.rejected, false) AS bet_rejected,
           e.amount IS NOT NULL AS settled_earlier, coalesce(e.cancelled, false) AS settled_cancelled,
           coalesce(h.amount, e.amount) AS bet_amount, coalesce(h.currency, e.currency) AS bet_currency
    FROM r
    LEFT JOIN here h ON h.source = r.source AND h.external_id = r.reference_id
    LEFT JOIN LATERAL (
        SELECT g.amount, g.currency, EXISTS (SELECT 1 FROM settled_records x WHERE x.cancels = g.key) AS cancelled
        FROM settled_records g JOIN cycles c ON c.id = g.cycle_id
        WHERE h.external_id IS NULL
          AND g.key = ` + keySQL("$1", "r.source", "r.reference_id") + `
          AND g.source = r.source AND g.external_id = r.reference_id AND g.type = 'bet'
          AND c.scope = $1 AND c.period_start < $2
        LIMIT 1) e ON true
),
own AS (
    SELECT m.*, CASE
        WHEN NOT m.in_cycle AND NOT m.settled_earlier THEN 'ORPHAN_ROLLBACK'
        WHEN m.bet_rejected THEN 'ROLLBACK_OF_REJECTED_BET'
        WHEN NOT m.broken AND (m.amount <> m.bet_amount OR m.currency <> m.bet_currency) THEN 'ROLLBACK_MISMATCH'
    END AS reason
    FROM matched m
),
ranked AS (
    SELECT o.*, row_number() OVER (PARTITION BY o.source, o.reference_id, (o.reason IS NULL AND NOT o.broken)
                                   ORDER BY o.pos) AS nth
    FROM own o
)
SELECT source, external_id, reference_id, amount, currency, bet_amount, bet_currency,
       CASE WHEN reason IS NOT NULL THEN reason
            WHEN NOT broken AND (settled_cancelled OR nth > 1) THEN 'DOUBLE_ROLLBACK'
       END AS reason
FROM ranked`
}

// validationPassSQL is the one pass over the cycle's records: each row's
// broken rules (its own, the rollback decision, and whether another period
// of the scope already settled its id), the rejections quarantined with the
// row as it was staged, and accepted counts and sums per source, currency
// and type returned. $1 cycle, $2 scope, $3 period start, $4 period end,
// $5 known currencies.
func validationPassSQL(table string) string {
	return `WITH checked AS MATERIALIZED (
    SELECT s.ctid AS row_id, s.source, s.external_id, s.type, s.amount, s.currency, ` + bookedSQL("s") + ` AS booked_at,
           d.reference_id, d.bet_amount, d.bet_currency, e.period_key AS settled_in,
           array_remove(ARRAY[
               CASE WHEN s.currency <> ALL($5::text[]) THEN 'UNKNOWN_CURRENCY' END,
               CASE WHEN s.amount < 0 THEN 'NEGATIVE_AMOUNT' END,
               CASE WHEN ` + bookedSQL("s") + ` < $3 OR ` + bookedSQL("s") + ` >= $4 THEN 'OUTSIDE_PERIOD' END,
               CASE WHEN e.period_key IS NOT NULL THEN 'RESENT_DUPLICATE' END,
               d.reason], NULL) AS reasons
    FROM ` + table + ` s
    LEFT JOIN rollback_decisions d ON d.source = s.source AND d.external_id = s.external_id
    LEFT JOIN LATERAL (
        SELECT c.period_key FROM settled_records g JOIN cycles c ON c.id = g.cycle_id
        WHERE g.key = s.key AND g.source = s.source AND g.external_id = s.external_id
          AND c.scope = $2 AND c.period_start <> $3
        LIMIT 1) e ON true
),
quarantined AS (
    INSERT INTO quarantine (cycle_id, source, record_key, stage, reason, detail, raw)
    SELECT $1::uuid, c.source, c.external_id, 'rules', x.reason, CASE x.reason
        WHEN 'UNKNOWN_CURRENCY' THEN format('currency %s is not a known ISO 4217 code', to_json(c.currency))
        WHEN 'NEGATIVE_AMOUNT' THEN format('amount %s is negative', c.amount)
        WHEN 'OUTSIDE_PERIOD' THEN format('timestamp %s is outside the period [%s, %s)', ` + utcSQL("c.booked_at") + `,
                                          ` + utcSQL("$3") + `, ` + utcSQL("$4") + `)
        WHEN 'RESENT_DUPLICATE' THEN format('id %s was already settled in period %s', to_json(c.external_id), c.settled_in)
        WHEN 'ORPHAN_ROLLBACK' THEN format('rollback references bet %s, which is neither in this cycle nor settled in an earlier one',
                                           to_json(c.reference_id))
        WHEN 'ROLLBACK_OF_REJECTED_BET' THEN format('rollback cancels bet %s, which is itself rejected', to_json(c.reference_id))
        WHEN 'ROLLBACK_MISMATCH' THEN format('rollback of %s %s cancels bet %s of %s %s', c.amount, c.currency,
                                             to_json(c.reference_id), c.bet_amount, c.bet_currency)
        WHEN 'DOUBLE_ROLLBACK' THEN format('bet %s is already cancelled', to_json(c.reference_id))
        END,
        convert_to((to_jsonb(s) - 'cycle_id')::text, 'UTF8')
    FROM checked c CROSS JOIN LATERAL unnest(c.reasons) AS x(reason)
    JOIN ` + table + ` s ON s.ctid = c.row_id
    ON CONFLICT DO NOTHING
)
SELECT source, currency, type,
       count(*) FILTER (WHERE cardinality(reasons) = 0),
       coalesce(sum(amount) FILTER (WHERE cardinality(reasons) = 0), 0)::text,
       count(*) FILTER (WHERE cardinality(reasons) > 0)
FROM checked GROUP BY source, currency, type ORDER BY source, currency, type`
}

// utcSQL formats a timestamptz as Go's time.RFC3339 in UTC does.
func utcSQL(expr string) string {
	return `to_char((` + expr + `)::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
}

package store

import "strings"

// The SQL of validation, kept beside validate.Rules.CheckAll, the Go
// statement of the same rules that store tests hold it to.

// keySQL is record.Key in SQL, for ids only the database has at hand.
func keySQL(scope, source, id string) string {
	return `encode(substring(sha256(convert_to(` + scope + `, 'UTF8') || '\x00'::bytea || convert_to(` + source +
		`, 'UTF8') || '\x00'::bytea || convert_to(` + id + `, 'UTF8')) FROM 1 FOR 16), 'hex')::uuid`
}

// breaksBasicRule is true for a row that breaks a rule on its own: $2
// period start, $3 period end, $4 known currencies, as every statement of
// validation numbers them, and the coverage table (see notCovered).
const breaksBasicRule = `(%[1]s.currency <> ALL($4::text[]) OR %[1]s.amount < 0 OR %[2]s < $2 OR %[2]s >= $3
    OR ` + notCovered + `)`

// notCovered is true for a row whose currency the agreement of its
// source's partner does not cover: the temporary table coverage lists the
// currencies of every source whose agreement restricts them.
const notCovered = `EXISTS (SELECT 1 FROM coverage v WHERE v.source = %[1]s.source AND %[1]s.currency <> ALL(v.currencies))`

func basicRule(alias string) string {
	return strings.NewReplacer("%[1]s", alias, "%[2]s", bookedSQL(alias)).Replace(breaksBasicRule)
}

// bookedSQL is when the source booked a row: its booked_at attribute (a
// late arrival), else when it happened. A period holds what was booked in
// it, as its pull served it.
func bookedSQL(alias string) string {
	return `coalesce((` + alias + `.attrs->>'booked_at')::timestamptz, ` + alias + `.occurred_at)`
}

// otherPeriod is true for a registry row g settled by a cycle of the scope
// ($1) for another period than this one ($2).
const otherPeriod = `EXISTS (SELECT 1 FROM cycles c WHERE c.id = g.cycle_id AND c.scope = $1 AND c.period_start <> $2)`

// rollbackDecisionsSQL decides every rollback of the cycle into a temporary
// table: which bet it cancels (one of this cycle's, looked up from the
// rollbacks' side, or one settled in an earlier period, probed by key so
// the plan does not depend on the registry's statistics) and why it is
// refused, if it is. The first otherwise valid rollback of a bet, in
// delivery order, cancels it; later ones are double rollbacks.
// $1 scope, $2 period start, $3 period end, $4 known currencies, $5 sources
// whose rollbacks cancel bets, $6 this cycle, $7 the cycles it supersedes
// (their cancellations are this one's, settled before).
func rollbackDecisionsSQL(table string) string {
	return `CREATE TEMP TABLE rollback_decisions ON COMMIT DROP AS
WITH r AS (
    SELECT r.source, r.external_id, r.reference_id, r.amount, r.currency, r.pos, ` + basicRule("r") + ` AS broken,
           ` + keySQL("$1", "r.source", "r.reference_id") + ` AS bet_key
    FROM ` + table + ` r WHERE r.type = 'rollback' AND r.source = ANY($5::text[])
),
here AS (
    -- A re-sent bet is the one settled before, found below instead. The
    -- registry is probed per bet (LIMIT keeps the probe a lookup by key):
    -- as an anti-join, stale statistics could have it read whole.
    SELECT b.source, b.external_id, b.amount, b.currency, ` + basicRule("b") + ` AS rejected
    FROM ` + table + ` b
    LEFT JOIN LATERAL (SELECT 1 FROM settled_records g WHERE g.key = b.key AND ` + otherPeriod + ` LIMIT 1) x(resent) ON true
    WHERE b.type = 'bet' AND (b.source, b.external_id) IN (SELECT source, reference_id FROM r) AND x.resent IS NULL
),
matched AS (
    SELECT r.*, h.external_id IS NOT NULL AS in_cycle, coalesce(h.rejected, false) AS bet_rejected,
           e.amount IS NOT NULL AS settled_earlier, coalesce(e.cancelled, false) AS settled_cancelled,
           coalesce(h.amount, e.amount) AS bet_amount, coalesce(h.currency, e.currency) AS bet_currency
    FROM r
    LEFT JOIN here h ON h.source = r.source AND h.external_id = r.reference_id
    LEFT JOIN LATERAL (
        SELECT g.amount, g.currency, EXISTS (SELECT 1 FROM settled_records x WHERE x.cancels = g.key
                                             AND x.cycle_id <> $6::uuid AND x.cycle_id <> ALL($7::uuid[])) AS cancelled
        FROM settled_records g
        WHERE h.external_id IS NULL AND g.key = r.bet_key AND g.type = 'bet'
          AND EXISTS (SELECT 1 FROM cycles c WHERE c.id = g.cycle_id AND c.scope = $1 AND c.period_start < $2)
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
SELECT source, external_id, reference_id, bet_key, amount, currency, bet_amount, bet_currency,
       CASE WHEN reason IS NOT NULL THEN reason
            WHEN NOT broken AND (settled_cancelled OR nth > 1) THEN 'DOUBLE_ROLLBACK'
       END AS reason
FROM ranked`
}

// registerNewSQL is registerSQL for when none of the keys is registered
// yet: a plain insert, which fails on the unique key if one is. Its
// parameters are registerSQL's first four.
func registerNewSQL(table string) string {
	return `INSERT INTO settled_records (key, cycle_id, amount, type, currency, cancels)
SELECT s.key, $1::uuid, s.amount, s.type, s.currency, d.bet_key
FROM ` + table + ` s
LEFT JOIN rollback_decisions d ON d.source = s.source AND d.external_id = s.external_id
WHERE NOT ` + basicRule("s") + ` AND d.reason IS NULL
ORDER BY s.key`
}

// registerSQL enters every record that passes its own rules and its
// rollback decision into the registry as settled by this cycle ($1), in
// key order. A key already there is an id settled by another cycle: unless
// that cycle is this one (validation run again) or one this cycle
// supersedes ($5, the same period settled again), the row records that
// this cycle was sent it again, and the pass quarantines the copy.
// $2 period start, $3 period end, $4 known currencies.
func registerSQL(table string) string {
	return `INSERT INTO settled_records AS g (key, cycle_id, amount, type, currency, cancels)
SELECT s.key, $1::uuid, s.amount, s.type, s.currency, d.bet_key
FROM ` + table + ` s
LEFT JOIN rollback_decisions d ON d.source = s.source AND d.external_id = s.external_id
WHERE NOT ` + basicRule("s") + ` AND d.reason IS NULL
ORDER BY s.key
ON CONFLICT (key) DO UPDATE SET resent_by = array_append(coalesce(g.resent_by, '{}'), $1::uuid)
WHERE g.cycle_id <> $1::uuid AND g.cycle_id <> ALL($5::uuid[]) AND NOT coalesce(g.resent_by @> ARRAY[$1::uuid], false)`
}

// The pass over the cycle's records, in two statements over the same
// rows: one quarantines every rule a record breaks, with the row as it
// was staged; one sums the accepted records per source, currency and type.
// Each reads the records once, the sums in parallel; keeping them apart
// costs a second scan but spares writing every record to a temporary
// result to share between them. A record's rules: its own, its rollback
// decision, and whether another cycle of the scope settled its id first.
// $1 cycle, $2 scope, $3 period start, $4 period end, $5 known currencies.

// checkedRows is the records with the rules each breaks.
func checkedRows(table string) string {
	return `WITH resent AS (
    SELECT g.key, c.period_key FROM settled_records g JOIN cycles c ON c.id = g.cycle_id
    WHERE g.resent_by @> ARRAY[$1::uuid] AND c.scope = $2 AND g.cycle_id <> $1
)
SELECT s, d.reference_id, d.bet_amount, d.bet_currency, x.period_key AS settled_in,
       array_remove(ARRAY[
           CASE WHEN s.currency <> ALL($5::text[]) THEN 'UNKNOWN_CURRENCY' END,
           CASE WHEN s.currency = ANY($5::text[]) AND ` + strings.ReplaceAll(notCovered, "%[1]s", "s") + `
                THEN 'CURRENCY_NOT_COVERED' END,
           CASE WHEN s.amount < 0 THEN 'NEGATIVE_AMOUNT' END,
           CASE WHEN ` + bookedSQL("s") + ` < $3 OR ` + bookedSQL("s") + ` >= $4 THEN 'OUTSIDE_PERIOD' END,
           CASE WHEN x.key IS NOT NULL THEN 'RESENT_DUPLICATE' END,
           d.reason], NULL) AS reasons
FROM ` + table + ` s
LEFT JOIN rollback_decisions d ON d.source = s.source AND d.external_id = s.external_id
LEFT JOIN resent x ON x.key = s.key`
}

// quarantineRulesSQL quarantines each rule a record breaks.
func quarantineRulesSQL(table string) string {
	return `INSERT INTO quarantine (cycle_id, source, record_key, stage, reason, detail, raw)
SELECT $1::uuid, (c.s).source, (c.s).external_id, 'rules', r.reason, CASE r.reason
    WHEN 'UNKNOWN_CURRENCY' THEN format('currency %s is not a known ISO 4217 code', to_json((c.s).currency))
    WHEN 'CURRENCY_NOT_COVERED' THEN format('currency %s is not covered by the agreement of this source''s partner (it covers %s)',
        (c.s).currency, (SELECT array_to_string(v.currencies, ', ') FROM coverage v WHERE v.source = (c.s).source))
    WHEN 'NEGATIVE_AMOUNT' THEN format('amount %s is negative', (c.s).amount)
    WHEN 'OUTSIDE_PERIOD' THEN format('timestamp %s is outside the period [%s, %s)', ` + utcSQL(bookedSQL("(c.s)")) + `,
                                      ` + utcSQL("$3") + `, ` + utcSQL("$4") + `)
    WHEN 'RESENT_DUPLICATE' THEN format('id %s was already settled in period %s', to_json((c.s).external_id), c.settled_in)
    WHEN 'ORPHAN_ROLLBACK' THEN format('rollback references bet %s, which is neither in this cycle nor settled in an earlier one',
                                       to_json(c.reference_id))
    WHEN 'ROLLBACK_OF_REJECTED_BET' THEN format('rollback cancels bet %s, which is itself rejected', to_json(c.reference_id))
    WHEN 'ROLLBACK_MISMATCH' THEN format('rollback of %s %s cancels bet %s of %s %s', (c.s).amount, (c.s).currency,
                                         to_json(c.reference_id), c.bet_amount, c.bet_currency)
    WHEN 'DOUBLE_ROLLBACK' THEN format('bet %s is already cancelled', to_json(c.reference_id))
    END,
    convert_to((to_jsonb(c.s) - 'cycle_id')::text, 'UTF8')
FROM (` + checkedRows(table) + `) c
CROSS JOIN LATERAL unnest(c.reasons) AS r(reason)
ON CONFLICT DO NOTHING`
}

// acceptedTotalsSQL counts and sums the records per source, currency and
// type: those that break no rule, and how many break one.
func acceptedTotalsSQL(table string) string {
	return `SELECT (c.s).source, (c.s).currency, (c.s).type,
       count(*) FILTER (WHERE cardinality(c.reasons) = 0),
       coalesce(sum((c.s).amount) FILTER (WHERE cardinality(c.reasons) = 0), 0)::text,
       count(*) FILTER (WHERE cardinality(c.reasons) > 0)
FROM (` + checkedRows(table) + `) c
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`
}

// utcSQL formats a timestamptz as Go's time.RFC3339 in UTC does.
func utcSQL(expr string) string {
	return `to_char((` + expr + `)::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
}

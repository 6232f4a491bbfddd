package store

// The SQL of the reconciliation steps around the pairs: breaks carried in
// from earlier cycles, conflicting duplicates, control totals, carried
// breaks whose counterpart arrived late, valuation and ranking. {T} is the
// cycle's partition; @cycle the cycle, @rep the reporting currency.

// discrepancyColumns are the columns every finder writes.
const discrepancyColumns = `id, cycle_id, pair, kind, record_type, key, status, day, authoritative,
    left_source, left_ids, left_amount, left_currency, right_source, right_ids, right_amount, right_currency,
    difference, at_stake, currency, reporting_currency, detail, versions`

// carryInSQL copies into this cycle every break an operator carried out of
// an earlier period of the scope that no live cycle has taken in yet. The
// copy starts open, with no records of this cycle; the original keeps its
// ids. Cycles undone (compensated or abandoned) neither give nor keep.
const carryInSQL = `
INSERT INTO discrepancies (` + discrepancyColumns + `, carried_from)
SELECT settleflow_name_uuid(@cycle::uuid, 'carried/' || d.id), @cycle::uuid, d.pair, d.kind, d.record_type, d.key, 'open', d.day,
       d.authoritative, d.left_source, '{}', d.left_amount, d.left_currency, d.right_source, '{}', d.right_amount, d.right_currency,
       d.difference, d.at_stake, d.currency, @rep::text,
       left(format('carried from %s by %s: %s (left %s, right %s)', c.period_key, d.resolved_by, d.resolution_reason,
                   array_to_string(d.left_ids, ','), array_to_string(d.right_ids, ',')), 1000),
       d.versions, d.id
FROM discrepancies d JOIN cycles c ON c.id = d.cycle_id
WHERE d.status = 'carried' AND c.scope = @scope AND c.period_start < @start AND c.status NOT IN ('compensated', 'abandoned')
  AND NOT EXISTS (SELECT 1 FROM discrepancies x JOIN cycles xc ON xc.id = x.cycle_id
                  WHERE x.carried_from = d.id AND xc.status NOT IN ('compensated', 'abandoned'))
ON CONFLICT (id) DO NOTHING`

// conflictsSQL turns every conflicting duplicate the pull quarantined into
// a break showing both versions: the staged one (delivered first) on the
// left, the quarantined one on the right. The identity is the quarantine
// key (id and content hash), one break per other version.
const conflictsSQL = `
INSERT INTO discrepancies (` + discrepancyColumns + `)
SELECT settleflow_name_uuid(@cycle::uuid, 'discrepancy//CONFLICTING_DUPLICATE/' || q.source || '/' || q.record_key), @cycle::uuid, '',
       'CONFLICTING_DUPLICATE', s.type, s.external_id, 'open', (s.occurred_at AT TIME ZONE 'UTC')::date, 'left',
       q.source, ARRAY[s.external_id], s.amount, s.currency, q.source, ARRAY[q.record_key], (x.o->>'amount')::bigint, x.o->>'currency',
       CASE WHEN x.o->>'currency' = s.currency THEN s.amount - (x.o->>'amount')::bigint END,
       CASE WHEN x.o->>'currency' = s.currency THEN abs(s.amount - (x.o->>'amount')::bigint) ELSE abs(s.amount) END,
       s.currency, @rep::text, 'the version delivered first is staged; the other is quarantined',
       jsonb_build_object('kept', to_jsonb(s) - 'cycle_id', 'other', x.o)
FROM quarantine q CROSS JOIN LATERAL (SELECT convert_from(q.raw, 'UTF8')::jsonb AS o) x
JOIN {T} s ON s.source = q.source AND s.external_id = x.o->>'external_id'
WHERE q.cycle_id = @cycle AND q.stage = 'duplicate' AND q.reason = 'CONFLICTING_DUPLICATE'
ON CONFLICT (id) DO NOTHING`

// controlTotalsSQL compares each source's published control totals with
// what was staged of it, per UTC day of booking, currency and type; every
// group whose count or sum differs is one break, control on the left.
const controlTotalsSQL = `
WITH staged AS (
    SELECT s.source, (coalesce((s.attrs->>'booked_at')::timestamptz, s.occurred_at) AT TIME ZONE 'UTC')::date AS day,
           s.currency, s.type, count(*) AS n, sum(s.amount) AS amount
    FROM {T} s WHERE s.source IN (SELECT source FROM control_totals WHERE cycle_id = @cycle)
    GROUP BY 1, 2, 3, 4
),
x AS (
    SELECT coalesce(c.source, s.source) AS source, coalesce(c.day, s.day) AS day, coalesce(c.currency, s.currency) AS currency,
           coalesce(c.type, s.type) AS type, coalesce(c.count, 0) AS cn, coalesce(c.amount, 0)::numeric AS ca,
           coalesce(s.n, 0) AS sn, coalesce(s.amount, 0) AS sa
    FROM (SELECT * FROM control_totals WHERE cycle_id = @cycle) c
    FULL JOIN staged s ON s.source = c.source AND s.day = c.day AND s.currency = c.currency AND s.type = c.type
)
INSERT INTO discrepancies (` + discrepancyColumns + `)
SELECT settleflow_name_uuid(@cycle::uuid, 'discrepancy//MISSING_RECORDS/' || source || '/' || day || '/' || currency || '/' || type),
       @cycle::uuid, '', 'MISSING_RECORDS', type, day || '/' || currency || '/' || type, 'open', day, 'left',
       source, '{}', ca::bigint, currency, source, '{}', sa::bigint, currency, (ca - sa)::bigint, abs(ca - sa)::bigint, currency, @rep::text,
       format('%s reports %s %s records on %s summing to %s; %s were staged summing to %s: %s',
              source, cn, type, day, ca, sn, sa, CASE WHEN cn > sn THEN format('%s records missing', cn - sn)
                                                       WHEN cn < sn THEN format('%s records more than reported', sn - cn)
                                                       ELSE 'as many records, another sum' END),
       jsonb_build_object('control', jsonb_build_object('count', cn, 'amount', ca), 'staged', jsonb_build_object('count', sn, 'amount', sa))
FROM x WHERE cn <> sn OR ca <> sa
ON CONFLICT (id) DO NOTHING`

// lateSQL completes carried breaks whose counterpart arrived in this cycle:
// a carried MISSING_RIGHT meets this cycle's MISSING_LEFT of the same pair
// and key, or the other way round. The carried break takes the new side's
// records and figures and is auto-resolved when the two agree exactly, or
// stays open as the mismatch it now is; the new break is removed, its
// records now accounted in the carried one.
const lateSQL = `
WITH m AS (
    SELECT DISTINCT ON (n.id) c.id AS carried_id, n.id AS new_id, n.left_ids, n.right_ids,
           n.left_amount, n.left_currency, n.right_amount, n.right_currency
    FROM discrepancies c JOIN discrepancies n ON n.cycle_id = c.cycle_id AND n.pair = c.pair AND n.key = c.key
    WHERE c.cycle_id = @cycle AND c.carried_from IS NOT NULL AND c.status = 'open'
      AND n.carried_from IS NULL AND n.status = 'open' AND n.pair <> '' AND n.key <> ''
      AND ((c.kind = 'MISSING_RIGHT' AND n.kind = 'MISSING_LEFT') OR (c.kind = 'MISSING_LEFT' AND n.kind = 'MISSING_RIGHT'))
    ORDER BY n.id, c.created_at, c.id
),
f AS (
    SELECT c.id, c.kind, c.authoritative, m.new_id,
           CASE WHEN c.kind = 'MISSING_RIGHT' THEN c.left_ids ELSE m.left_ids END AS l_ids,
           CASE WHEN c.kind = 'MISSING_RIGHT' THEN m.right_ids ELSE c.right_ids END AS r_ids,
           CASE WHEN c.kind = 'MISSING_RIGHT' THEN c.left_amount ELSE m.left_amount END AS la,
           CASE WHEN c.kind = 'MISSING_RIGHT' THEN c.left_currency ELSE m.left_currency END AS lc,
           CASE WHEN c.kind = 'MISSING_RIGHT' THEN m.right_amount ELSE c.right_amount END AS ra,
           CASE WHEN c.kind = 'MISSING_RIGHT' THEN m.right_currency ELSE c.right_currency END AS rc
    FROM discrepancies c JOIN m ON m.carried_id = c.id
),
g AS (
    SELECT f.*, f.lc = f.rc AND f.la = f.ra AS agree,
           CASE WHEN f.lc = f.rc THEN CASE WHEN f.authoritative = 'left' THEN f.la::numeric - f.ra ELSE f.ra::numeric - f.la END END AS diff,
           CASE WHEN f.authoritative = 'left' THEN f.la ELSE f.ra END AS a_amt,
           CASE WHEN f.authoritative = 'left' THEN f.lc ELSE f.rc END AS a_cur
    FROM f
),
upd AS (
    UPDATE discrepancies d SET left_ids = g.l_ids, right_ids = g.r_ids, left_amount = g.la, left_currency = g.lc,
           right_amount = g.ra, right_currency = g.rc,
           kind = CASE WHEN g.agree THEN d.kind WHEN g.lc <> g.rc THEN 'CURRENCY_MISMATCH' ELSE 'AMOUNT_MISMATCH' END,
           status = CASE WHEN g.agree THEN 'auto_resolved' ELSE 'open' END,
           resolved_by = CASE WHEN g.agree THEN 'settleflow' END,
           resolution_reason = CASE WHEN g.agree THEN 'counterpart arrived late, in this cycle' END,
           resolved_at = CASE WHEN g.agree THEN now() END,
           difference = g.diff::bigint,
           at_stake = CASE WHEN g.diff IS NOT NULL THEN abs(g.diff)::bigint ELSE abs(g.a_amt) END,
           currency = g.a_cur,
           reporting_amount = NULL,
           detail = d.detail || '; counterpart arrived in this cycle'
    FROM g WHERE d.id = g.id
    RETURNING d.id
)
DELETE FROM discrepancies WHERE id IN (SELECT new_id FROM m)`

// valueSQL values every break of the cycle in the reporting currency: its
// stake times the factor of the rate that applies (recon.Value: the day's,
// else the latest earlier quoted day's, else the fixed one), rounded half
// to even with exact integer arithmetic. A break no rate reaches stays
// unvalued (NULL).
const valueSQL = `
UPDATE discrepancies d SET reporting_currency = @rep::text, reporting_amount = (
    SELECT z.q + CASE WHEN 2 * z.m > z.den OR (2 * z.m = z.den AND mod(z.q, 2) = 1) THEN 1 ELSE 0 END
    FROM (SELECT x.den, div(d.at_stake::numeric * x.num, x.den) AS q, mod(d.at_stake::numeric * x.num, x.den) AS m
          FROM (SELECT day, cur, num::numeric AS num, den::numeric AS den
                FROM unnest(@rate_day::date[], @rate_cur::text[], @rate_num::text[], @rate_den::text[]) AS r(day, cur, num, den)) x
          WHERE x.cur = d.currency AND (x.day IS NULL OR x.day <= d.day)
          ORDER BY x.day DESC NULLS LAST LIMIT 1) z)
WHERE d.cycle_id = @cycle`

// rankSQL numbers the cycle's breaks in the order of recon.Before.
const rankSQL = `
UPDATE discrepancies d SET priority = r.rank
FROM (SELECT id, row_number() OVER (ORDER BY reporting_amount DESC NULLS FIRST,
                                      coalesce(array_position(@kinds::text[], kind), cardinality(@kinds::text[]) + 1),
                                      pair COLLATE "C", key COLLATE "C", id) AS rank
      FROM discrepancies WHERE cycle_id = @cycle) r
WHERE d.id = r.id AND d.priority <> r.rank`

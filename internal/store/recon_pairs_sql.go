package store

import (
	"strings"

	"github.com/settleflow/settleflow/internal/recon"
)

// The SQL of matching, kept beside recon.Pair.Classify, Difference and
// Stake, the Go statement of the same decisions that store tests hold it
// to. Every statement reads the cycle's partition ({T}); a pair's sides
// come in as named arguments (see pairArgs), its shape and keys as SQL
// text chosen from fixed forms.

// keySQL is a side's match key; an attribute key reads the attribute named
// by the argument @<side>_attr, an absent one as ”.
func sideKeySQL(s recon.Side, side string) string {
	switch s.Key {
	case recon.KeyExternalID, recon.KeyReferenceID, recon.KeyPlayer:
		return "s." + s.Key
	}
	return "coalesce(s.attrs->>@" + side + "_attr, '')"
}

// sideWhereSQL selects a side's records: its source's, with the
// attributes the pair filters on. Types are selected by joining the pair's
// type correspondence.
func sideWhereSQL(s recon.Side, side string) string {
	where := "s.source = @" + side + "_source"
	if len(s.Where) > 0 {
		where += " AND s.attrs @> @" + side + "_where::jsonb"
	}
	return where
}

// rejectedSQL is true for a record s of the side that validation rejected.
// Written as IN over the side's rejects, it is one hashed lookup per row.
func rejectedSQL(side string) string {
	return `(s.external_id IN (SELECT q.record_key FROM quarantine q
		WHERE q.cycle_id = @cycle AND q.stage = 'rules' AND q.source = @` + side + `_source))`
}

func expand(sql string, pairs ...string) string { return strings.NewReplacer(pairs...).Replace(sql) }

// dupSQL finds the match keys a side holds more than once and ranks their
// records, earliest then first delivered first: rank 1 takes part in
// matching, the others are duplicates. {S} is the side's letter.
const dupSQL = `
INSERT INTO recon_dup (side, k, external_id, type, amount, currency, t, rej, rn, first_id)
SELECT '{S}', k, external_id, type, amount, currency, t, rej,
       row_number() OVER w, first_value(external_id) OVER w
FROM (SELECT {KEY} AS k, s.external_id, s.type, s.amount, s.currency, s.occurred_at AS t, {REJ} AS rej, s.pos
      FROM {T} s WHERE s.type = ANY(@types_{s}::text[]) AND {WHERE}) x
WHERE k IN (SELECT {KEY} FROM {T} s
            WHERE s.type = ANY(@types_{s}::text[]) AND {WHERE} AND {KEY} <> '' GROUP BY 1 HAVING count(*) > 1)
WINDOW w AS (PARTITION BY k ORDER BY t, pos)`

func sideDupSQL(table string, s recon.Side, side string) string {
	letter := map[string]string{"l": "L", "r": "R"}[side]
	return expand(dupSQL, "{S}", letter, "{s}", side, "{KEY}", sideKeySQL(s, side), "{WHERE}", sideWhereSQL(s, side),
		"{REJ}", rejectedSQL(side), "{T}", table)
}

// oneToOneSQL matches the two sides record to record on the key and fills
// j: one row per key that met (or per record that met nothing, or that
// repeats a key), with the reason code of recon.Pair.Classify. Keys are
// never matched when empty. A row holding a record validation rejected
// records no break: the rejection accounts for it and its counterpart. A
// right record is counted under the left type it corresponds to.
const oneToOneSQL = `
l AS (SELECT {LKEY} AS k, s.external_id AS id, s.type, s.amount, s.currency, s.occurred_at AS t, m.rt AS expect, {LREJ} AS rej
      FROM {T} s JOIN unnest(@map_l::text[], @map_r::text[]) AS m(lt, rt) ON m.lt = s.type
      WHERE {LWHERE} AND NOT EXISTS (SELECT 1 FROM recon_dup d WHERE d.side = 'L' AND d.external_id = s.external_id AND d.rn > 1)),
r AS (SELECT {RKEY} AS k, s.external_id AS id, s.type, s.amount, s.currency, s.occurred_at AS t, m.lt AS ltype, {RREJ} AS rej
      FROM {T} s JOIN unnest(@map_l::text[], @map_r::text[]) AS m(lt, rt) ON m.rt = s.type
      WHERE {RWHERE} AND NOT EXISTS (SELECT 1 FROM recon_dup d WHERE d.side = 'R' AND d.external_id = s.external_id AND d.rn > 1)),
jj AS (
    SELECT coalesce(l.k, r.k) AS k, coalesce(l.type, r.ltype) AS tally_type, (coalesce(l.t, r.t) AT TIME ZONE 'UTC')::date AS day,
           l.id AS l_id, l.amount::numeric AS l_amount, l.currency AS l_currency,
           r.id AS r_id, r.amount::numeric AS r_amount, r.currency AS r_currency,
           l.type AS l_type, l.expect, r.type AS r_type, l.t AS l_t, r.t AS r_t,
           coalesce(l.rej, false) OR coalesce(r.rej, false) AS rejected,
           CASE
               WHEN coalesce(l.rej, false) OR coalesce(r.rej, false) THEN NULL
               WHEN l.id IS NULL THEN CASE WHEN @req_r THEN 'MISSING_LEFT' END
               WHEN r.id IS NULL THEN CASE WHEN @req_l THEN 'MISSING_RIGHT' END
               WHEN @cmp_type AND r.type IS DISTINCT FROM l.expect THEN 'TYPE_MISMATCH'
               WHEN @cmp_currency AND l.currency <> r.currency THEN 'CURRENCY_MISMATCH'
               WHEN @cmp_amount AND l.amount <> r.amount THEN 'AMOUNT_MISMATCH'
               WHEN @cmp_time AND greatest(l.t - r.t, r.t - l.t) > @window::interval THEN 'TIME_MISMATCH'
           END AS kind
    FROM l FULL JOIN r ON l.k = r.k AND l.k <> ''
),
j AS MATERIALIZED (
    SELECT k, tally_type, day, l_id, l_amount, l_currency, false AS l_mixed, r_id, r_amount, r_currency, false AS r_mixed, rejected, kind,
           CASE WHEN kind IS NULL THEN ''
                WHEN k = '' THEN 'no match key'
                WHEN kind = 'TYPE_MISMATCH' THEN format('%s corresponds to %s, not %s', l_type, expect, r_type)
                WHEN kind = 'TIME_MISMATCH' THEN format('%s apart', greatest(l_t - r_t, r_t - l_t))
                ELSE '' END AS note
    FROM jj
    UNION ALL
    SELECT d.k, CASE WHEN d.side = 'L' THEN d.type
                     ELSE (SELECT m.lt FROM unnest(@map_l::text[], @map_r::text[]) AS m(lt, rt) WHERE m.rt = d.type) END,
           (d.t AT TIME ZONE 'UTC')::date,
           CASE WHEN d.side = 'L' THEN d.external_id END, CASE WHEN d.side = 'L' THEN d.amount END, CASE WHEN d.side = 'L' THEN d.currency END, false,
           CASE WHEN d.side = 'R' THEN d.external_id END, CASE WHEN d.side = 'R' THEN d.amount END, CASE WHEN d.side = 'R' THEN d.currency END, false,
           d.rej, CASE WHEN NOT d.rej THEN 'DUPLICATE' END, format('repeats key %s, first held by %s', d.k, d.first_id)
    FROM recon_dup d WHERE d.rn > 1
)`

// groupSQL matches a group of the many side ({M}: the letter of that
// side) against one record of the other ({O}) on the key: a group's amount
// is its net (recon.Net), its currency the one its records share. Records
// with an empty key each stand alone, unmatched.
const groupSQL = `
m AS (SELECT {MKEY} AS k, s.external_id AS id, s.currency, s.occurred_at AS t, {MREJ} AS rej,
             CASE WHEN s.type = ANY(@negate::text[]) THEN -s.amount::numeric ELSE s.amount::numeric END {FEE} AS net
      FROM {T} s WHERE s.type = ANY(@types_{m}::text[]) AND {MWHERE}),
g AS (SELECT k, array_agg(id ORDER BY id) AS ids, sum(net) AS net, min(currency) AS currency,
             count(DISTINCT currency) > 1 AS mixed, min(t) AS t, bool_or(rej) AS rej
      FROM m WHERE k <> '' GROUP BY k
      UNION ALL
      SELECT k, ARRAY[id], net, currency, false, t, rej FROM m WHERE k = ''),
o AS (SELECT {OKEY} AS k, s.external_id AS id, s.type, s.amount, s.currency, s.occurred_at AS t, {OREJ} AS rej
      FROM {T} s WHERE s.type = ANY(@types_{o}::text[]) AND {OWHERE} AND NOT EXISTS (SELECT 1 FROM recon_dup d WHERE d.side = '{O}' AND d.external_id = s.external_id AND d.rn > 1)),
gj AS (
    SELECT coalesce(g.k, o.k) AS k, (coalesce(g.t, o.t) AT TIME ZONE 'UTC')::date AS day,
           g.ids AS g_ids, g.net AS g_amount, CASE WHEN g.mixed THEN '' ELSE g.currency END AS g_currency, coalesce(g.mixed, false) AS g_mixed,
           o.id AS o_id, o.amount::numeric AS o_amount, o.currency AS o_currency,
           coalesce(g.rej, false) OR coalesce(o.rej, false) AS rejected,
           CASE
               WHEN coalesce(g.rej, false) OR coalesce(o.rej, false) THEN NULL
               WHEN g.k IS NULL THEN CASE WHEN @req_{o} THEN 'MISSING_{MS}' END
               WHEN o.id IS NULL THEN CASE WHEN @req_{m} THEN 'MISSING_{OS}' END
               WHEN @cmp_currency AND (g.mixed OR g.currency <> o.currency) THEN 'CURRENCY_MISMATCH'
               WHEN @cmp_amount AND g.net <> o.amount THEN 'AMOUNT_MISMATCH'
           END AS kind,
           CASE WHEN coalesce(g.k, o.k) = '' THEN 'no match key' ELSE '' END AS note
    FROM g FULL JOIN o ON g.k = o.k AND g.k <> ''
    UNION ALL
    SELECT d.k, (d.t AT TIME ZONE 'UTC')::date, NULL, NULL, NULL, false,
           d.external_id, d.amount, d.currency, d.rej, CASE WHEN NOT d.rej THEN 'DUPLICATE' END,
           format('repeats key %s, first held by %s', d.k, d.first_id)
    FROM recon_dup d WHERE d.side = '{O}' AND d.rn > 1
),
j AS MATERIALIZED (
    SELECT k, @tally_type::text AS tally_type, day,
           {LCOLS}, {RCOLS}, rejected, kind, note
    FROM gj
)`

// pairTailSQL writes j's breaks as discrepancies, with the difference, the
// stake and the tolerance of recon.Pair (Difference, Stake, Within), and
// j's tallies, in one statement. @auth_left picks the authoritative side.
const pairTailSQL = `,
b AS (
    SELECT j.*, l_ids_arr AS left_ids, r_ids_arr AS right_ids,
           CASE WHEN kind = 'DUPLICATE' THEN k || '#' || coalesce(l_ids_arr[1], r_ids_arr[1])
                WHEN k <> '' THEN k ELSE '#' || coalesce(l_ids_arr[1], r_ids_arr[1]) END AS identity,
           CASE WHEN @auth_left THEN l_amount ELSE r_amount END AS a_amt,
           CASE WHEN @auth_left THEN r_amount ELSE l_amount END AS o_amt,
           CASE WHEN @auth_left THEN l_currency ELSE r_currency END AS a_cur,
           CASE WHEN @auth_left THEN r_currency ELSE l_currency END AS o_cur,
           CASE WHEN @auth_left THEN l_mixed ELSE r_mixed END AS a_mixed,
           CASE WHEN l_currency IS NOT NULL AND r_currency IS NOT NULL AND l_currency <> r_currency OR l_mixed OR r_mixed THEN NULL
                ELSE coalesce(CASE WHEN @auth_left THEN l_amount ELSE r_amount END, 0)
                   - coalesce(CASE WHEN @auth_left THEN r_amount ELSE l_amount END, 0) END AS diff
    FROM (SELECT j.*, CASE WHEN {LIDS} IS NULL THEN '{}'::text[] ELSE {LIDSARR} END AS l_ids_arr,
                      CASE WHEN {RIDS} IS NULL THEN '{}'::text[] ELSE {RIDSARR} END AS r_ids_arr
          FROM j WHERE kind IS NOT NULL) j
),
c AS (
    SELECT b.*,
           CASE WHEN kind IN ('MISSING_LEFT', 'MISSING_RIGHT', 'DUPLICATE') THEN abs(coalesce(a_amt, o_amt))
                WHEN kind = 'AMOUNT_MISMATCH' AND diff IS NOT NULL THEN abs(diff)
                WHEN a_mixed THEN abs(o_amt) ELSE abs(a_amt) END AS stake,
           CASE WHEN kind IN ('MISSING_LEFT', 'MISSING_RIGHT', 'DUPLICATE') THEN coalesce(a_cur, o_cur)
                WHEN kind = 'AMOUNT_MISMATCH' AND diff IS NOT NULL THEN a_cur
                WHEN a_mixed THEN o_cur ELSE a_cur END AS stake_currency,
           kind = 'AMOUNT_MISMATCH' AND (
               abs(diff) <= coalesce((SELECT t.v FROM unnest(@tol_cur::text[], @tol_abs::bigint[]) AS t(c, v) WHERE t.c = a_cur), 0)
               OR abs(diff) * @pct_den::numeric <= @pct_num::numeric * abs(a_amt)) AS auto
    FROM b
),
ins AS (
    INSERT INTO discrepancies (id, cycle_id, pair, kind, record_type, key, status, day, authoritative,
                               left_source, left_ids, left_amount, left_currency, right_source, right_ids, right_amount, right_currency,
                               difference, at_stake, currency, reporting_currency, detail, resolved_by, resolution_reason, resolved_at)
    SELECT settleflow_name_uuid(@cycle::uuid, 'discrepancy/' || @pair::text || '/' || kind || '/' || identity), @cycle::uuid, @pair::text,
           kind, tally_type, k, CASE WHEN auto THEN 'auto_resolved' ELSE 'open' END, day, @authoritative::text,
           @l_source::text, left_ids, l_amount::bigint, l_currency, @r_source::text, right_ids, r_amount::bigint, r_currency,
           diff::bigint, stake::bigint, stake_currency, @rep::text, concat_ws('; ', nullif(note, ''), CASE WHEN auto THEN 'within tolerance' END),
           CASE WHEN auto THEN 'settleflow' END, CASE WHEN auto THEN 'within tolerance' END, CASE WHEN auto THEN now() END
    FROM c
    ON CONFLICT (id) DO NOTHING
)
INSERT INTO recon_tallies (cycle_id, pair, type, matched, left_records, left_matched, left_unpaired, left_rejected,
                           right_records, right_matched, right_unpaired, right_rejected)
SELECT @cycle::uuid, @pair::text, tally_type,
       count(*) FILTER (WHERE {LN} > 0 AND {RN} > 0 AND kind IS NULL AND NOT rejected),
       sum({LN}),
       coalesce(sum({LN}) FILTER (WHERE {RN} > 0 AND kind IS NULL AND NOT rejected), 0),
       coalesce(sum({LN}) FILTER (WHERE {RN} = 0 AND kind IS NULL AND NOT rejected), 0),
       coalesce(sum({LN}) FILTER (WHERE rejected), 0),
       sum({RN}),
       coalesce(sum({RN}) FILTER (WHERE {LN} > 0 AND kind IS NULL AND NOT rejected), 0),
       coalesce(sum({RN}) FILTER (WHERE {LN} = 0 AND kind IS NULL AND NOT rejected), 0),
       coalesce(sum({RN}) FILTER (WHERE rejected), 0)
FROM j GROUP BY tally_type
ON CONFLICT (cycle_id, pair, type) DO NOTHING`

// pairSQL is the whole statement that reconciles one pair.
func pairSQL(table string, p recon.Pair) string {
	if p.Shape == recon.OneToOne {
		body := expand(oneToOneSQL, "{T}", table, "{LKEY}", sideKeySQL(p.Left, "l"), "{RKEY}", sideKeySQL(p.Right, "r"),
			"{LWHERE}", sideWhereSQL(p.Left, "l"), "{RWHERE}", sideWhereSQL(p.Right, "r"),
			"{LREJ}", rejectedSQL("l"), "{RREJ}", rejectedSQL("r"))
		return "WITH" + body + expand(pairTailSQL, "{LIDS}", "l_id", "{RIDS}", "r_id", "{LIDSARR}", "ARRAY[l_id]", "{RIDSARR}", "ARRAY[r_id]",
			"{LN}", "(l_id IS NOT NULL)::int", "{RN}", "(r_id IS NOT NULL)::int")
	}
	many, one := p.Left, p.Right
	m, o, ms, os := "l", "r", "LEFT", "RIGHT"
	if p.Shape == recon.OneToMany {
		many, one, m, o, ms, os = p.Right, p.Left, "r", "l", "RIGHT", "LEFT"
	}
	groupCols := "g_ids AS {m}_ids, g_amount AS {m}_amount, g_currency AS {m}_currency, g_mixed AS {m}_mixed"
	oneCols := "o_id AS {o}_id, o_amount AS {o}_amount, o_currency AS {o}_currency, false AS {o}_mixed"
	lcols, rcols := groupCols, oneCols
	if m == "r" {
		lcols, rcols = oneCols, groupCols
	}
	fee := ""
	if p.Net.FeeAttr != "" {
		fee = "- coalesce((s.attrs->>@fee_attr)::bigint, 0)"
	}
	body := expand(groupSQL, "{LCOLS}", lcols, "{RCOLS}", rcols, "{T}", table, "{FEE}", fee,
		"{MKEY}", sideKeySQL(many, m), "{OKEY}", sideKeySQL(one, o), "{MWHERE}", sideWhereSQL(many, m), "{OWHERE}", sideWhereSQL(one, o),
		"{MS}", ms, "{OS}", os, "{MREJ}", rejectedSQL(m), "{OREJ}", rejectedSQL(o))
	body = expand(body, "{m}", m, "{o}", o, "{O}", strings.ToUpper(o))
	ids := map[string][2]string{m: {m + "_ids", m + "_ids"}, o: {o + "_id", "ARRAY[" + o + "_id]"}}
	count := map[string]string{m: "coalesce(cardinality(" + m + "_ids), 0)", o: "(" + o + "_id IS NOT NULL)::int"}
	return "WITH" + body + expand(pairTailSQL, "{LIDS}", ids["l"][0], "{RIDS}", ids["r"][0], "{LIDSARR}", ids["l"][1], "{RIDSARR}", ids["r"][1],
		"{LN}", count["l"], "{RN}", count["r"])
}

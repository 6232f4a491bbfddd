-- +goose Up
-- A cycle's figures as stage 3 of validation compared them, and the
-- plain-language summary written from them. Later cycles compare against
-- these rows, so they outlive the purge of the records they count.
CREATE TABLE cycle_figures (
    cycle_id    uuid        PRIMARY KEY REFERENCES cycles (id),
    -- trend.Figures as JSON: records, rejected, GGR per currency in minor
    -- units, discrepancies.
    figures     jsonb       NOT NULL,
    summary     text        NOT NULL DEFAULT '',
    computed_at timestamptz NOT NULL DEFAULT now()
);

-- Cycles settled before stage 3 existed get their figures from their totals
-- and quarantine, so the first cycles after this release have a history.
INSERT INTO cycle_figures (cycle_id, figures)
SELECT c.id, jsonb_build_object(
    'cycle_id', c.id::text,
    'period', c.period_key,
    'records', t.accepted + q.rules + q.refused,
    'rejected', q.rules + q.refused,
    'ggr', g.ggr,
    'discrepancies', jsonb_build_object('found', 0, 'open', 0))
FROM cycles c
CROSS JOIN LATERAL (SELECT coalesce(sum(count), 0)::bigint AS accepted FROM cycle_totals WHERE cycle_id = c.id) t
CROSS JOIN LATERAL (
    SELECT count(DISTINCT (source, record_key)) FILTER (WHERE stage = 'rules') AS rules,
           count(*) FILTER (WHERE stage <> 'rules') AS refused
    FROM quarantine WHERE cycle_id = c.id) q
CROSS JOIN LATERAL (
    SELECT coalesce(jsonb_object_agg(currency, amount), '{}'::jsonb) AS ggr
    FROM (SELECT currency, sum(CASE type WHEN 'bet' THEN amount ELSE -amount END)::bigint AS amount
          FROM cycle_totals WHERE cycle_id = c.id AND type IN ('bet', 'win', 'rollback')
          GROUP BY currency) per_currency) g
WHERE c.status IN ('completed', 'superseded');

-- +goose Down
DROP TABLE cycle_figures;

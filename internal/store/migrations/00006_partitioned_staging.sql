-- +goose Up
-- Staging is scratch space, one LIST partition per cycle: pages are COPYed
-- in with no index to maintain row by row, de-duplicated once when a
-- source's pull ends, and the whole partition is dropped when a cycle is
-- undone. There is no status column: a record is accepted unless
-- quarantine holds a rule rejection for it, so validation writes only the
-- rejects. Columns are ordered fixed-width first so rows pack tightly.
CREATE TABLE staged_records (
    cycle_id     uuid        NOT NULL,
    -- Where the source delivered the record (slice, page, position): of
    -- two versions of one id, the one delivered first stays staged.
    pos          bigint      NOT NULL,
    -- record.Key(scope, source, external_id): the identity lookups across
    -- cycles use.
    key          uuid        NOT NULL,
    amount       bigint      NOT NULL,
    occurred_at  timestamptz NOT NULL,
    source       text        NOT NULL,
    external_id  text        NOT NULL,
    reference_id text        NOT NULL,
    player       text        NOT NULL,
    type         text        NOT NULL,
    currency     text        NOT NULL,
    attrs        jsonb       NOT NULL,
    content_hash bytea       NOT NULL
) PARTITION BY LIST (cycle_id);

-- Accepted totals per source, currency and type, written by validation in
-- the same pass that finds the rejects, so split and approval never read
-- the records again. No foreign key: a trigger per row would cost more
-- than the rows, and validation writes them for its own cycle only.
CREATE TABLE cycle_totals (
    cycle_id uuid   NOT NULL,
    source   text   NOT NULL,
    currency text   NOT NULL,
    type     text   NOT NULL,
    count    bigint NOT NULL,
    amount   bigint NOT NULL,
    PRIMARY KEY (cycle_id, source, currency, type)
);

-- Every record a cycle of the scope accepted, by record.Key: validation
-- registers its accepted records and the unique key refuses an id another
-- cycle settled, which is how a re-sent record is found; a rollback's row
-- names the bet it cancelled, once. A cycle that is undone takes its rows
-- back; a revision takes over the rows of the cycle it supersedes.
CREATE TABLE settled_records (
    key       uuid   PRIMARY KEY,
    cycle_id  uuid   NOT NULL,
    amount    bigint NOT NULL,
    type      text   NOT NULL,
    currency  text   NOT NULL,
    -- A settled rollback: the key of the bet it cancelled.
    cancels   uuid,
    -- The cycles that were sent this id again, each to quarantine its copy.
    resent_by uuid[]
);
-- Partial, so the records that cancel nothing cost the index nothing.
CREATE UNIQUE INDEX settled_records_cancel_once ON settled_records (cancels) WHERE cancels IS NOT NULL;
CREATE INDEX settled_records_resent ON settled_records USING gin (resent_by) WHERE resent_by IS NOT NULL;

-- Raw records are kept as the bytes received: they may not be valid JSON
-- or even UTF-8, which is why they were rejected.
ALTER TABLE quarantine ALTER COLUMN raw TYPE bytea USING convert_to(raw::text, 'UTF8');

-- Move the staged transactions of earlier cycles into partitions of their
-- own; validated rows are exactly the ones without a rule rejection.
-- +goose StatementBegin
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT DISTINCT cycle_id FROM staged_transactions LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF staged_records FOR VALUES IN (%L)',
                       'staged_' || replace(c.cycle_id::text, '-', ''), c.cycle_id);
    END LOOP;
END
$$;
-- +goose StatementEnd

INSERT INTO staged_records (cycle_id, pos, key, amount, occurred_at, source, external_id, reference_id,
                            player, type, currency, attrs, content_hash)
SELECT s.cycle_id,
       row_number() OVER (PARTITION BY s.cycle_id ORDER BY s.occurred_at, s.transaction_id),
       encode(substring(sha256(convert_to(c.scope, 'UTF8') || '\x00'::bytea || convert_to(s.source, 'UTF8')
                               || '\x00'::bytea || convert_to(s.transaction_id, 'UTF8')) FROM 1 FOR 16), 'hex')::uuid,
       s.amount, s.occurred_at, s.source, s.transaction_id, s.ref_transaction_id, s.player_id, s.type, s.currency,
       jsonb_build_object('game_code', s.game_code, 'round_id', s.round_id),
       decode(s.content_hash, 'hex')
FROM staged_transactions s JOIN cycles c ON c.id = s.cycle_id;

-- Settled cycles register what they settled, as validation does from now on.
INSERT INTO settled_records (key, cycle_id, amount, type, currency)
SELECT DISTINCT ON (s.key) s.key, s.cycle_id, s.amount, s.type, s.currency
FROM staged_records s JOIN cycles c ON c.id = s.cycle_id
WHERE c.status = 'completed'
  AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.cycle_id = s.cycle_id AND q.source = s.source
                  AND q.record_key = s.external_id AND q.stage = 'rules')
ORDER BY s.key, c.period_start;

DROP TABLE staged_transactions;

-- +goose Down
-- One way for the data: staged records stay behind in the dropped
-- partitions' place only as an empty table of the old shape.
CREATE TABLE staged_transactions (
    cycle_id uuid NOT NULL REFERENCES cycles (id), source text NOT NULL, transaction_id text NOT NULL,
    round_id text NOT NULL DEFAULT '', player_id text NOT NULL DEFAULT '', game_code text NOT NULL DEFAULT '',
    type text NOT NULL, amount bigint NOT NULL, currency text NOT NULL, occurred_at timestamptz NOT NULL,
    ref_transaction_id text NOT NULL DEFAULT '', content_hash text NOT NULL,
    status text NOT NULL DEFAULT 'staged' CHECK (status IN ('staged', 'accepted', 'rejected')),
    PRIMARY KEY (cycle_id, source, transaction_id)
);
DROP TABLE settled_records;
DROP TABLE cycle_totals;
DROP TABLE staged_records;
ALTER TABLE quarantine ALTER COLUMN raw TYPE jsonb USING convert_from(raw, 'UTF8')::jsonb;

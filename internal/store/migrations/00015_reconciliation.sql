-- +goose Up
-- Discrepancy IDs are name-based UUIDs of the cycle (the namespace) and the
-- break, computed where the breaks are found: in SQL, set-based. Core
-- PostgreSQL has SHA-256 but not the SHA-1 of version 5, and an extension's
-- objects would belong to the bootstrap superuser, so the IDs are version 8
-- built as RFC 9562 (appendix B.2) builds a SHA-256 name-based UUID: the
-- first 16 bytes of SHA-256(namespace || name), version and variant bits
-- set. recon.DiscrepancyID computes the same in Go.
-- +goose StatementBegin
CREATE FUNCTION settleflow_name_uuid(namespace uuid, name text) RETURNS uuid
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT encode(set_byte(set_byte(h, 6, (get_byte(h, 6) & 15) | 128), 8, (get_byte(h, 8) & 63) | 128), 'hex')::uuid
    FROM (SELECT substring(sha256(uuid_send(namespace) || convert_to(name, 'UTF8')) FROM 1 FOR 16) AS h) x
$$;
-- +goose StatementEnd

-- Every break reconciliation finds, one row each, with both sides. A
-- record of a pair ends matched or in exactly one row of that pair. Rows
-- are found by the reconcile step and only their status, resolution,
-- priority and (for carried breaks matched late) their ids move after.
CREATE TABLE discrepancies (
    id                 uuid        PRIMARY KEY,
    cycle_id           uuid        NOT NULL REFERENCES cycles (id),
    -- Empty for breaks of one source (conflicting duplicates, control
    -- totals), which belong to no pair.
    pair               text        NOT NULL,
    kind               text        NOT NULL,
    -- The type the break is counted under (recon.Pair.TallyType).
    record_type        text        NOT NULL,
    key                text        NOT NULL,
    status             text        NOT NULL DEFAULT 'open'
                       CHECK (status IN ('open', 'auto_resolved', 'accepted', 'adjusted', 'carried')),
    -- 1 is looked at first (recon.Before); ranked over the whole cycle.
    priority           int         NOT NULL DEFAULT 0,
    -- UTC day the break happened on; FX values it at that day's rate.
    day                date        NOT NULL,
    authoritative      text        NOT NULL CHECK (authoritative IN ('left', 'right')),
    left_source        text        NOT NULL,
    left_ids           text[]      NOT NULL,
    left_amount        bigint,
    left_currency      text,
    right_source       text        NOT NULL,
    right_ids          text[]      NOT NULL,
    right_amount       bigint,
    right_currency     text,
    -- Authoritative minus other, in currency's minor units; NULL when the
    -- sides are in different currencies.
    difference         bigint,
    -- What the break puts at stake (>= 0) and its currency; empty when it
    -- spans several.
    at_stake           bigint      NOT NULL CHECK (at_stake >= 0),
    currency           text        NOT NULL,
    reporting_currency text        NOT NULL,
    -- at_stake in the reporting currency; NULL when no rate values it.
    reporting_amount   bigint,
    detail             text        NOT NULL,
    -- Both versions of a conflicting duplicate; both figures of a control
    -- total.
    versions           jsonb,
    resolution_action  text,
    resolved_by        text,
    resolution_reason  text,
    resolved_at        timestamptz,
    -- The adjustment's entry. Not a foreign key: nothing outside the books
    -- may hold them in place.
    journal_entry      uuid,
    carried_from       uuid        REFERENCES discrepancies (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'open') = (resolved_by IS NULL)),
    CHECK ((status = 'adjusted') = (journal_entry IS NOT NULL))
);
CREATE INDEX discrepancies_cycle ON discrepancies (cycle_id, priority);
-- A carried break meets the break its late counterpart made, by key.
CREATE INDEX discrepancies_key ON discrepancies (cycle_id, pair, key);
CREATE INDEX discrepancies_carried_from ON discrepancies (carried_from) WHERE carried_from IS NOT NULL;
CREATE INDEX discrepancies_carried ON discrepancies (cycle_id) WHERE status = 'carried';

-- What each pair matched, per type and side: the records the side
-- selected, those matched, those unpaired (on a side that need not pair)
-- and those in a row with a record validation rejected (accounted for by
-- the rejection). With the records the pair's breaks name they account
-- for every selected record.
CREATE TABLE recon_tallies (
    cycle_id       uuid   NOT NULL REFERENCES cycles (id),
    pair           text   NOT NULL,
    type           text   NOT NULL,
    matched        bigint NOT NULL, -- matched units: pairs, or groups against their one record
    left_records   bigint NOT NULL,
    left_matched   bigint NOT NULL,
    left_unpaired  bigint NOT NULL,
    left_rejected  bigint NOT NULL,
    right_records  bigint NOT NULL,
    right_matched  bigint NOT NULL,
    right_unpaired bigint NOT NULL,
    right_rejected bigint NOT NULL,
    PRIMARY KEY (cycle_id, pair, type)
);

-- A cycle's reconciliation, once done: a retried reconcile step (after an
-- operator resolved the breaks that blocked it) checks the gate again
-- without matching again.
CREATE TABLE recon_runs (
    cycle_id           uuid        PRIMARY KEY REFERENCES cycles (id),
    reporting_currency text        NOT NULL,
    carried_in         bigint      NOT NULL,
    finished_at        timestamptz NOT NULL DEFAULT now()
);

-- Writers outside the workflow (operators resolving breaks) append to a
-- cycle's event log under the same lock; each names its event so a repeat
-- appends nothing. Workflow events leave it NULL and are numbered by the
-- workflow among themselves.
ALTER TABLE cycle_events ADD COLUMN writer_key text;
CREATE UNIQUE INDEX cycle_events_writer_key ON cycle_events (cycle_id, writer_key) WHERE writer_key IS NOT NULL;

-- An adjustment books a break's difference in an entry of its own.
ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_kind_check;
ALTER TABLE journal_entries ADD CONSTRAINT journal_entries_kind_check
    CHECK (kind IN ('settlement', 'reversal', 'adjustment'));

-- +goose Down
ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_kind_check;
ALTER TABLE journal_entries ADD CONSTRAINT journal_entries_kind_check CHECK (kind IN ('settlement', 'reversal'));
DROP INDEX cycle_events_writer_key;
ALTER TABLE cycle_events DROP COLUMN writer_key;
DROP TABLE recon_runs;
DROP TABLE recon_tallies;
DROP TABLE discrepancies;
DROP FUNCTION settleflow_name_uuid(uuid, text);

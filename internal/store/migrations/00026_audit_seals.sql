-- +goose Up
-- Seals (docs/audit.md). Every row of the books written from here on is
-- sealed with an HMAC-SHA256 under a key the database never sees, and
-- chained to the row before it; key_id names the key. Rows written before
-- keep key_id = '' and are checked by their plain hash or content alone.

-- An event's seal is its hash: it covers the payload by its digest, which
-- stays when retention removes the payload itself (payload set to NULL).
ALTER TABLE cycle_events
    ADD COLUMN payload_sha256 text NOT NULL DEFAULT '',
    ADD COLUMN key_id         text NOT NULL DEFAULT '',
    ALTER COLUMN payload DROP NOT NULL;

-- The one change an event may undergo: a sealed event's payload removed,
-- everything else as it was. An unsealed event's hash covers its payload,
-- so its payload stays.
-- +goose StatementBegin
CREATE FUNCTION cycle_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.payload IS NULL AND OLD.key_id <> ''
       AND (NEW.cycle_id, NEW.seq, NEW.kind, NEW.step, NEW.actor, NEW.payload_sha256, NEW.prev_hash, NEW.hash,
            NEW.key_id, NEW.recorded_at)
           IS NOT DISTINCT FROM
           (OLD.cycle_id, OLD.seq, OLD.kind, OLD.step, OLD.actor, OLD.payload_sha256, OLD.prev_hash, OLD.hash,
            OLD.key_id, OLD.recorded_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;
-- +goose StatementEnd
DROP TRIGGER cycle_events_append_only ON cycle_events;
CREATE TRIGGER cycle_events_append_only BEFORE UPDATE OR DELETE ON cycle_events
    FOR EACH ROW EXECUTE FUNCTION cycle_events_guard();

-- Journal entries and statements each form one chain in seq order; a row's
-- seal covers prev_mac, the seal of the row before it. Earlier rows are
-- numbered in the order they were written.
ALTER TABLE journal_entries
    ADD COLUMN seq      bigint UNIQUE,
    ADD COLUMN prev_mac text NOT NULL DEFAULT '',
    ADD COLUMN mac      text NOT NULL DEFAULT '',
    ADD COLUMN key_id   text NOT NULL DEFAULT '';
ALTER TABLE journal_entries DISABLE TRIGGER journal_entries_append_only;
UPDATE journal_entries j SET seq = o.n
FROM (SELECT id, row_number() OVER (ORDER BY posted_at, id) AS n FROM journal_entries) o WHERE o.id = j.id;
ALTER TABLE journal_entries ENABLE TRIGGER journal_entries_append_only;

ALTER TABLE statements
    ADD COLUMN seq      bigint UNIQUE,
    ADD COLUMN prev_mac text NOT NULL DEFAULT '',
    ADD COLUMN mac      text NOT NULL DEFAULT '',
    ADD COLUMN key_id   text NOT NULL DEFAULT '';
UPDATE statements s SET seq = o.n
FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM statements) o WHERE o.id = s.id;

-- Only a statement's status moves; everything sealed stays.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION statements_content_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'statements are never deleted';
    END IF;
    IF (NEW.id, NEW.cycle_id, NEW.partner, NEW.content_json, NEW.content_csv, NEW.sha256, NEW.created_at,
        NEW.seq, NEW.prev_mac, NEW.mac, NEW.key_id)
       IS DISTINCT FROM
       (OLD.id, OLD.cycle_id, OLD.partner, OLD.content_json, OLD.content_csv, OLD.sha256, OLD.created_at,
        OLD.seq, OLD.prev_mac, OLD.mac, OLD.key_id) THEN
        RAISE EXCEPTION 'statement % content is immutable', OLD.id;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- How far each chain went before seals began: only those rows may lack a
-- seal, so rows inserted later without the key show even where they would
-- start a chain of their own. Only the owner writes it.
CREATE TABLE audit_unsealed (
    chain    text   PRIMARY KEY,
    last_seq bigint NOT NULL
);
INSERT INTO audit_unsealed (chain, last_seq)
SELECT 'events/' || cycle_id, max(seq) FROM cycle_events GROUP BY cycle_id;
INSERT INTO audit_unsealed (chain, last_seq) SELECT 'journal', max(seq) FROM journal_entries HAVING count(*) > 0;
INSERT INTO audit_unsealed (chain, last_seq) SELECT 'statements', max(seq) FROM statements HAVING count(*) > 0;
REVOKE INSERT, UPDATE, DELETE ON audit_unsealed FROM settleflow_app;

-- Where each chain ends, sealed: 'events/<cycle id>', 'journal' and
-- 'statements'. A head only moves forward, so rows cut from the end of a
-- chain show as a head past its last row.
CREATE TABLE audit_heads (
    chain      text        PRIMARY KEY,
    seq        bigint      NOT NULL CHECK (seq >= 1),
    link       text        NOT NULL,
    key_id     text        NOT NULL,
    mac        text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
REVOKE DELETE ON audit_heads FROM settleflow_app;

-- +goose StatementBegin
CREATE FUNCTION audit_heads_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit heads are never deleted';
    END IF;
    IF NEW.chain <> OLD.chain OR NEW.seq <= OLD.seq THEN
        RAISE EXCEPTION 'audit head % only moves forward: % to % refused', OLD.chain, OLD.seq, NEW.seq;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_heads_forward_only BEFORE UPDATE OR DELETE ON audit_heads
    FOR EACH ROW EXECUTE FUNCTION audit_heads_forward_only();
CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads
    FOR EACH STATEMENT EXECUTE FUNCTION settleflow_append_only();

-- +goose Down
DROP TABLE audit_heads;
DROP TABLE audit_unsealed;
DROP FUNCTION audit_heads_forward_only();
DROP TRIGGER cycle_events_append_only ON cycle_events;
CREATE TRIGGER cycle_events_append_only BEFORE UPDATE OR DELETE ON cycle_events
    FOR EACH ROW EXECUTE FUNCTION settleflow_append_only();
DROP FUNCTION cycle_events_guard();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION statements_content_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'statements are never deleted';
    END IF;
    IF NEW.content_json IS DISTINCT FROM OLD.content_json
       OR NEW.content_csv IS DISTINCT FROM OLD.content_csv
       OR NEW.sha256 IS DISTINCT FROM OLD.sha256 THEN
        RAISE EXCEPTION 'statement % content is immutable', OLD.id;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
ALTER TABLE statements DROP COLUMN seq, DROP COLUMN prev_mac, DROP COLUMN mac, DROP COLUMN key_id;
ALTER TABLE journal_entries DROP COLUMN seq, DROP COLUMN prev_mac, DROP COLUMN mac, DROP COLUMN key_id;
ALTER TABLE cycle_events DROP COLUMN payload_sha256, DROP COLUMN key_id, ALTER COLUMN payload SET NOT NULL;

-- +goose Up
-- Retention removes the payloads of old events. A sealed event keeps its
-- kind, step, actor, time, sequence, seal and the digest of its payload
-- (payload_sha256), so the chain still verifies and whoever holds the
-- original payload can still prove it; redacted_at says when it went. An
-- event from before seals has a hash over its payload and keeps it.
ALTER TABLE cycle_events ADD COLUMN redacted_at timestamptz;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION cycle_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.payload IS NULL AND OLD.key_id <> ''
       AND OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL
       AND (NEW.cycle_id, NEW.seq, NEW.kind, NEW.step, NEW.actor, NEW.payload_sha256, NEW.prev_hash, NEW.hash,
            NEW.key_id, NEW.recorded_at)
           IS NOT DISTINCT FROM
           (OLD.cycle_id, OLD.seq, OLD.kind, OLD.step, OLD.actor, OLD.payload_sha256, OLD.prev_hash, OLD.hash,
            OLD.key_id, OLD.recorded_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'table % is append-only: % refused (only a retention redaction of a sealed payload is allowed)',
        TG_TABLE_NAME, TG_OP;
END;
$$;
-- +goose StatementEnd

-- The application may not update the log; this is its one way to redact,
-- for one cycle, every sealed payload but those of the kind kept.
-- +goose StatementBegin
CREATE FUNCTION settleflow_redact_events(cycle uuid, keep_kind text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    n bigint;
BEGIN
    UPDATE public.cycle_events SET payload = NULL, redacted_at = now()
     WHERE cycle_id = cycle AND key_id <> '' AND payload IS NOT NULL AND kind <> keep_kind;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END;
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION settleflow_redact_events(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION settleflow_redact_events(uuid, text) TO settleflow_app;

-- +goose Down
DROP FUNCTION settleflow_redact_events(uuid, text);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION cycle_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
ALTER TABLE cycle_events DROP COLUMN redacted_at;

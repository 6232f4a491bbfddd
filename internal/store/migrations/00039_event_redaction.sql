-- +goose Up
-- Retention redacts the payloads of old events. The event stays (kind,
-- step, actor, time, sequence and hashes); its payload becomes a marker and
-- the SHA-256 of the payload's text as it was hashed is kept, so whoever
-- holds the original can still prove it. Nothing else may change: the log
-- stays append-only.
ALTER TABLE cycle_events ADD COLUMN redacted_at timestamptz;
ALTER TABLE cycle_events ADD COLUMN redacted_digest text;

-- +goose StatementBegin
CREATE FUNCTION cycle_events_redact_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL
       AND NEW.payload = '{"redacted": true}'::jsonb
       AND NEW.redacted_digest = encode(sha256(convert_to(OLD.payload::text, 'UTF8')), 'hex')
       AND (NEW.cycle_id, NEW.seq, NEW.kind, NEW.step, NEW.actor, NEW.prev_hash, NEW.hash, NEW.recorded_at)
           IS NOT DISTINCT FROM
           (OLD.cycle_id, OLD.seq, OLD.kind, OLD.step, OLD.actor, OLD.prev_hash, OLD.hash, OLD.recorded_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'table % is append-only: % refused (only a retention redaction of a payload is allowed)', TG_TABLE_NAME, TG_OP;
END;
$$;
-- +goose StatementEnd

DROP TRIGGER cycle_events_append_only ON cycle_events;
CREATE TRIGGER cycle_events_append_only BEFORE UPDATE OR DELETE ON cycle_events
    FOR EACH ROW EXECUTE FUNCTION cycle_events_redact_only();

-- +goose Down
DROP TRIGGER cycle_events_append_only ON cycle_events;
CREATE TRIGGER cycle_events_append_only BEFORE UPDATE OR DELETE ON cycle_events
    FOR EACH ROW EXECUTE FUNCTION settleflow_append_only();
DROP FUNCTION cycle_events_redact_only();
ALTER TABLE cycle_events DROP COLUMN redacted_digest;
ALTER TABLE cycle_events DROP COLUMN redacted_at;

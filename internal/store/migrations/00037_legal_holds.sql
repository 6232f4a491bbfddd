-- +goose Up
-- A legal hold keeps a scope's data from the retention purge: all of the
-- scope, the cycles whose periods overlap [period_from, period_to), or one
-- cycle. Holds are never deleted; a release records who and why.
CREATE TABLE legal_holds (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope          text        NOT NULL,
    period_from    timestamptz,
    period_to      timestamptz,
    cycle_id       uuid        REFERENCES cycles (id),
    reason         text        NOT NULL CHECK (reason <> ''),
    placed_by      text        NOT NULL CHECK (placed_by <> ''),
    placed_at      timestamptz NOT NULL DEFAULT now(),
    released_by    text,
    released_at    timestamptz,
    release_reason text,
    CHECK ((period_from IS NULL) = (period_to IS NULL)),
    CHECK (period_from IS NULL OR period_from < period_to),
    CHECK ((released_at IS NULL) = (released_by IS NULL) AND (released_at IS NULL) = (release_reason IS NULL))
);
CREATE INDEX legal_holds_in_force ON legal_holds (scope) WHERE released_at IS NULL;

-- +goose StatementBegin
CREATE FUNCTION legal_holds_release_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.released_at IS NULL AND NEW.released_at IS NOT NULL
       AND (NEW.id, NEW.scope, NEW.period_from, NEW.period_to, NEW.cycle_id, NEW.reason, NEW.placed_by, NEW.placed_at)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.scope, OLD.period_from, OLD.period_to, OLD.cycle_id, OLD.reason, OLD.placed_by, OLD.placed_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'legal hold %: % refused; a hold is only ever released, once', OLD.id, TG_OP;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER legal_holds_release_only BEFORE UPDATE OR DELETE ON legal_holds
    FOR EACH ROW EXECUTE FUNCTION legal_holds_release_only();

-- +goose Down
DROP TABLE legal_holds;
DROP FUNCTION legal_holds_release_only();

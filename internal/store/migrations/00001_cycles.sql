-- +goose Up
-- A cycle is one settlement of one scope for one period at one revision.
CREATE TABLE cycles (
    id            uuid PRIMARY KEY,
    workflow_id   text        NOT NULL,
    scope         text        NOT NULL,
    period_key    text        NOT NULL,
    period_start  timestamptz NOT NULL,
    period_end    timestamptz NOT NULL,
    revision      int         NOT NULL CHECK (revision >= 1),
    status        text        NOT NULL,
    current_step  text        NOT NULL DEFAULT '',
    started_by    text        NOT NULL DEFAULT '',
    agreements    jsonb       NOT NULL DEFAULT '{}',
    config        jsonb       NOT NULL DEFAULT '{}',
    summary       jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (period_start < period_end)
);
-- One live cycle per scope, period and revision; a compensated or abandoned
-- run steps aside so the period can be settled again.
CREATE UNIQUE INDEX cycles_live_revision ON cycles (scope, period_start, revision)
    WHERE status NOT IN ('compensated', 'abandoned');

-- The permanent record of what happened to a cycle: append-only and
-- hash-chained, so a gap or an edit is detectable.
CREATE TABLE cycle_events (
    cycle_id    uuid        NOT NULL REFERENCES cycles (id),
    seq         int         NOT NULL CHECK (seq >= 1),
    kind        text        NOT NULL,
    step        text        NOT NULL DEFAULT '',
    actor       text        NOT NULL DEFAULT '',
    payload     jsonb       NOT NULL DEFAULT '{}',
    prev_hash   text        NOT NULL,
    hash        text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle_id, seq)
);

-- +goose StatementBegin
CREATE FUNCTION settleflow_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER cycle_events_append_only BEFORE UPDATE OR DELETE ON cycle_events
    FOR EACH ROW EXECUTE FUNCTION settleflow_append_only();

-- +goose Down
DROP TABLE cycle_events;
DROP FUNCTION settleflow_append_only();
DROP TABLE cycles;

-- +goose Up
-- A source of a cycle whose figures were taken from its fallback source
-- because its own pull kept failing: who switched (an operator, or
-- settleflow when the scope says fallback_mode: auto), why, and how many
-- records stood in. Statements and summaries mark those figures; a later
-- revision pulls the source itself again and shows the difference.
CREATE TABLE source_fallbacks (
    cycle_id    uuid        NOT NULL REFERENCES cycles (id),
    source      text        NOT NULL,
    fallback    text        NOT NULL,
    mode        text        NOT NULL CHECK (mode IN ('manual', 'auto')),
    actor       text        NOT NULL,
    reason      text        NOT NULL,
    staged      bigint      NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle_id, source)
);

-- +goose Down
DROP TABLE source_fallbacks;

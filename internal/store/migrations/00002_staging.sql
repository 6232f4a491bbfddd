-- +goose Up
-- Provider transactions as pulled, one row per (cycle, source, transaction):
-- the primary key is what makes a re-fetched page a no-op.
CREATE TABLE staged_transactions (
    cycle_id           uuid        NOT NULL REFERENCES cycles (id),
    source             text        NOT NULL,
    transaction_id     text        NOT NULL,
    round_id           text        NOT NULL DEFAULT '',
    player_id          text        NOT NULL DEFAULT '',
    game_code          text        NOT NULL DEFAULT '',
    type               text        NOT NULL,
    amount             bigint      NOT NULL,
    currency           text        NOT NULL,
    occurred_at        timestamptz NOT NULL,
    ref_transaction_id text        NOT NULL DEFAULT '',
    content_hash       text        NOT NULL,
    status             text        NOT NULL DEFAULT 'staged'
                       CHECK (status IN ('staged', 'accepted', 'rejected')),
    PRIMARY KEY (cycle_id, source, transaction_id)
);

-- Records refused by format (stage 1) or business rules (stage 2), with why.
-- A conflicting duplicate (same id, other content) is kept here too, keyed
-- by id and content hash, while the first version stays staged.
CREATE TABLE quarantine (
    cycle_id       uuid        NOT NULL REFERENCES cycles (id),
    source         text        NOT NULL,
    record_key     text        NOT NULL,
    stage          text        NOT NULL CHECK (stage IN ('format', 'duplicate', 'rules')),
    reason         text        NOT NULL,
    detail         text        NOT NULL DEFAULT '',
    raw            jsonb,
    quarantined_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle_id, source, record_key, reason)
);

-- +goose Down
DROP TABLE quarantine;
DROP TABLE staged_transactions;

-- +goose Up
-- One row per run of the retention purge, with what it removed, and one per
-- cycle it removed something from. A retried run finds the cycles it has
-- done here and does not count them twice.
CREATE TABLE purges (
    id                 uuid        PRIMARY KEY,
    -- The run's time, which every cut-off is counted back from.
    run_at             timestamptz NOT NULL,
    finished_at        timestamptz,
    cycles             bigint      NOT NULL DEFAULT 0,
    partitions_dropped bigint      NOT NULL DEFAULT 0,
    records_removed    bigint      NOT NULL DEFAULT 0,
    quarantine_removed bigint      NOT NULL DEFAULT 0,
    payloads_redacted  bigint      NOT NULL DEFAULT 0,
    -- Expired cycles left alone because a legal hold covers them.
    held               bigint      NOT NULL DEFAULT 0
);

CREATE TABLE purged_cycles (
    purge_id           uuid   NOT NULL REFERENCES purges (id),
    cycle_id           uuid   NOT NULL REFERENCES cycles (id),
    partition_dropped  bool   NOT NULL DEFAULT false,
    records_removed    bigint NOT NULL DEFAULT 0,
    quarantine_removed bigint NOT NULL DEFAULT 0,
    payloads_redacted  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (purge_id, cycle_id)
);

-- +goose Down
DROP TABLE purged_cycles;
DROP TABLE purges;

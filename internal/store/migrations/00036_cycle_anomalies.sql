-- +goose Up
-- What stage 3 of validation flagged: a figure of the cycle beyond the
-- scope's threshold against its trailing completed cycles. An anomaly opens
-- the approval gate and rejects nothing. Values are records, minor units
-- of the currency, or basis points of a rate; changes are in basis points.
CREATE TABLE cycle_anomalies (
    cycle_id     uuid   NOT NULL REFERENCES cycles (id),
    metric       text   NOT NULL,
    currency     text   NOT NULL DEFAULT '',
    value        bigint NOT NULL,
    baseline     bigint NOT NULL,
    change_bp    bigint NOT NULL,
    threshold_bp bigint NOT NULL,
    cycles       int    NOT NULL,
    description  text   NOT NULL,
    PRIMARY KEY (cycle_id, metric, currency)
);

-- +goose Down
DROP TABLE cycle_anomalies;

-- +goose Up
-- What each source says it booked in the cycle's period (its control
-- totals), per UTC day of booking, currency and type, fetched once when
-- the source's pull finishes. Reconciliation compares them with what was
-- staged, by UTC day of coalesce(attrs->>'booked_at', occurred_at): a gap
-- is a MISSING_RECORDS discrepancy.
CREATE TABLE IF NOT EXISTS control_totals (
    cycle_id uuid   NOT NULL REFERENCES cycles (id),
    source   text   NOT NULL,
    day      date   NOT NULL, -- UTC day of booking
    currency text   NOT NULL,
    type     text   NOT NULL,
    count    bigint NOT NULL,
    amount   bigint NOT NULL,
    PRIMARY KEY (cycle_id, source, day, currency, type)
);

-- +goose Down
DROP TABLE control_totals;

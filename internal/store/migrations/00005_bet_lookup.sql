-- +goose Up
-- Validation looks up, by source and id, the bet a rollback cancels in the
-- scope's earlier cycles; without this it would scan all of staging.
CREATE INDEX staged_bets_by_id ON staged_transactions (source, transaction_id) WHERE type = 'bet';

-- +goose Down
DROP INDEX staged_bets_by_id;

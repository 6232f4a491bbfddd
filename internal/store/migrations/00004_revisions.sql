-- +goose Up
-- A revision points at the completed cycle it settles again; both stay.
ALTER TABLE cycles ADD COLUMN supersedes uuid REFERENCES cycles (id);
CREATE UNIQUE INDEX cycles_superseded_once ON cycles (supersedes)
    WHERE supersedes IS NOT NULL AND status NOT IN ('compensated', 'abandoned');

-- +goose Down
DROP INDEX cycles_superseded_once;
ALTER TABLE cycles DROP COLUMN supersedes;

-- +goose Up
-- What each partner is owed per currency, as computed by the split step.
CREATE TABLE settlement_lines (
    cycle_id          uuid   NOT NULL REFERENCES cycles (id),
    partner           text   NOT NULL,
    currency          text   NOT NULL,
    ggr               bigint NOT NULL,
    partner_amount    bigint NOT NULL,
    operator_amount   bigint NOT NULL,
    agreement_version int    NOT NULL,
    explanation       text   NOT NULL,
    CHECK (partner_amount + operator_amount = ggr),
    PRIMARY KEY (cycle_id, partner, currency)
);

-- Double-entry journal. Amounts are signed minor units: debit > 0,
-- credit < 0; every entry sums to zero per currency.
CREATE TABLE journal_entries (
    id          uuid        PRIMARY KEY,
    cycle_id    uuid        NOT NULL REFERENCES cycles (id),
    kind        text        NOT NULL CHECK (kind IN ('settlement', 'reversal')),
    reverses    uuid        REFERENCES journal_entries (id),
    description text        NOT NULL,
    posted_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL))
);

CREATE TABLE journal_lines (
    entry_id uuid   NOT NULL REFERENCES journal_entries (id),
    line_no  int    NOT NULL,
    account  text   NOT NULL,
    currency text   NOT NULL,
    amount   bigint NOT NULL CHECK (amount <> 0),
    PRIMARY KEY (entry_id, line_no)
);
CREATE INDEX journal_lines_account ON journal_lines (account, currency);

CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION settleflow_append_only();
CREATE TRIGGER journal_lines_append_only BEFORE UPDATE OR DELETE ON journal_lines
    FOR EACH ROW EXECUTE FUNCTION settleflow_append_only();

-- The database itself refuses an unbalanced entry at commit time.
-- +goose StatementBegin
CREATE FUNCTION journal_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT currency, sum(amount) AS total INTO bad
      FROM journal_lines WHERE entry_id = NEW.entry_id
     GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % is unbalanced in %: sum %', NEW.entry_id, bad.currency, bad.total;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION journal_entry_balanced();

-- One statement per partner per cycle. Content is immutable; only the
-- status moves (published → void | superseded).
CREATE TABLE statements (
    id           uuid        PRIMARY KEY,
    cycle_id     uuid        NOT NULL REFERENCES cycles (id),
    partner      text        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('published', 'void', 'superseded')),
    -- The bytes as published, so sha256(content_json || '\n' || content_csv)
    -- can be checked against the hash the partner received.
    content_json text        NOT NULL,
    content_csv  text        NOT NULL,
    sha256       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    status_note  text        NOT NULL DEFAULT '',
    status_at    timestamptz,
    UNIQUE (cycle_id, partner)
);

-- +goose StatementBegin
CREATE FUNCTION statements_content_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'statements are never deleted';
    END IF;
    IF NEW.content_json IS DISTINCT FROM OLD.content_json
       OR NEW.content_csv IS DISTINCT FROM OLD.content_csv
       OR NEW.sha256 IS DISTINCT FROM OLD.sha256 THEN
        RAISE EXCEPTION 'statement % content is immutable', OLD.id;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER statements_immutable BEFORE UPDATE OR DELETE ON statements
    FOR EACH ROW EXECUTE FUNCTION statements_content_immutable();

-- +goose Down
DROP TABLE statements;
DROP FUNCTION statements_content_immutable();
DROP TABLE journal_lines;
DROP TABLE journal_entries;
DROP FUNCTION journal_entry_balanced();
DROP TABLE settlement_lines;

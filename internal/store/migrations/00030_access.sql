-- +goose Up
-- API tokens. Only a SHA-256 of each token is kept: the token itself is
-- shown once, when it is created. The name is the identity every action
-- taken with the token is recorded under; a person may hold several
-- tokens of one name (rotation), and they act as the same person.
CREATE TABLE api_tokens (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL CHECK (name <> ''),
    role       text        NOT NULL CHECK (role IN ('viewer', 'operator', 'approver', 'admin')),
    hash       bytea       NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text        NOT NULL DEFAULT '',
    revoked_at timestamptz,
    revoked_by text        NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_name ON api_tokens (name);

-- Console sessions, one per login, keyed by a SHA-256 of the session
-- cookie. A session acts with its token's identity and role and ends with
-- it: a revoked token's sessions stop at once.
CREATE TABLE console_sessions (
    hash       bytea       PRIMARY KEY CHECK (length(hash) = 32),
    token_id   uuid        NOT NULL REFERENCES api_tokens (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX console_sessions_token ON console_sessions (token_id);

-- Every mutating API or console call, allowed or refused, with the
-- identity that made it. Append-only like the event log.
CREATE TABLE api_calls (
    id       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    actor    text        NOT NULL,
    token_id uuid        NOT NULL REFERENCES api_tokens (id),
    role     text        NOT NULL,
    method   text        NOT NULL,
    path     text        NOT NULL,
    status   int         NOT NULL
);
CREATE INDEX api_calls_actor ON api_calls (actor, at);

CREATE TRIGGER api_calls_append_only BEFORE UPDATE OR DELETE ON api_calls
    FOR EACH ROW EXECUTE FUNCTION settleflow_append_only();
CREATE TRIGGER api_calls_no_truncate BEFORE TRUNCATE ON api_calls
    FOR EACH STATEMENT EXECUTE FUNCTION settleflow_append_only();

-- Where the application connects as its own least-privileged role, it may
-- append to the call log but not change it, and never delete a token (a
-- revoked one stays on record).
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'settleflow_app') THEN
        REVOKE UPDATE, DELETE ON api_calls FROM settleflow_app;
        REVOKE DELETE ON api_tokens FROM settleflow_app;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE api_calls;
DROP TABLE console_sessions;
DROP TABLE api_tokens;

-- +goose Up
-- Least privilege. Migrations run as settleflow_owner, which owns every
-- object; workers and serve connect as settleflow_app (or a login role that
-- is a member of it), which reads and writes what the application writes
-- and owns nothing: it cannot alter, truncate or drop a table, nor create,
-- drop or disable a trigger. Both roles exist before this runs: `settleflow
-- migrate` creates them on a local server, a DBA on a real one (README).

-- The rule: every table and sequence, from this migration and every later
-- one, is readable and writable by the application; a migration that adds
-- to the books revokes what the books must not allow (docs/audit.md).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO settleflow_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO settleflow_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO settleflow_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO settleflow_app;

-- Migrations are the owner's; the application may read which have run.
REVOKE INSERT, UPDATE, DELETE ON goose_db_version FROM settleflow_app;

-- The books are append-only for the application. A statement's status
-- moves (void, superseded), its content never does.
REVOKE UPDATE, DELETE ON cycle_events, journal_entries, journal_lines, statements FROM settleflow_app;
GRANT UPDATE (status, status_note, status_at) ON statements TO settleflow_app;

-- Row triggers do not fire on TRUNCATE; these refuse it even to the owner.
CREATE TRIGGER cycle_events_no_truncate BEFORE TRUNCATE ON cycle_events
    FOR EACH STATEMENT EXECUTE FUNCTION settleflow_append_only();
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
    FOR EACH STATEMENT EXECUTE FUNCTION settleflow_append_only();
CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON journal_lines
    FOR EACH STATEMENT EXECUTE FUNCTION settleflow_append_only();
CREATE TRIGGER statements_no_truncate BEFORE TRUNCATE ON statements
    FOR EACH STATEMENT EXECUTE FUNCTION settleflow_append_only();

-- Staging partitions are created, dropped and analyzed per cycle, which
-- takes ownership of staged_records. These functions run as the owner and
-- do exactly that for one cycle's partition, and nothing else; the
-- partition's name is derived from a uuid, so it cannot name another table.
-- +goose StatementBegin
CREATE FUNCTION settleflow_create_staging(cycle uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    part text := 'staged_' || replace(cycle::text, '-', '');
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('staging:' || cycle::text));
    IF EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               WHERE c.relname = part AND i.inhparent = 'public.staged_records'::regclass) THEN
        RETURN;
    END IF;
    -- Created alone and then attached, which only takes a share-update
    -- lock on the parent, so pulls of other cycles are not held up.
    EXECUTE format('CREATE TABLE IF NOT EXISTS public.%I (LIKE public.staged_records)', part);
    EXECUTE format('ALTER TABLE public.staged_records ATTACH PARTITION public.%I FOR VALUES IN (%L)', part, cycle);
END;
$$;

CREATE FUNCTION settleflow_drop_staging(cycle uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    EXECUTE format('DROP TABLE IF EXISTS public.%I', 'staged_' || replace(cycle::text, '-', ''));
END;
$$;

-- Statistics of a table of this schema, refreshed after bulk loads so the
-- next plans fit; ANALYZE changes no data.
CREATE FUNCTION settleflow_analyze(tbl regclass) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = tbl AND relnamespace = 'public'::regnamespace
                   AND relkind IN ('r', 'p')) THEN
        RAISE EXCEPTION 'settleflow_analyze: % is not a table of the settleflow schema', tbl;
    END IF;
    EXECUTE format('ANALYZE %s', tbl);
END;
$$;
-- +goose StatementEnd

REVOKE ALL ON FUNCTION settleflow_create_staging(uuid), settleflow_drop_staging(uuid), settleflow_analyze(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION settleflow_create_staging(uuid), settleflow_drop_staging(uuid), settleflow_analyze(regclass)
    TO settleflow_app;

-- +goose Down
DROP FUNCTION settleflow_analyze(regclass);
DROP FUNCTION settleflow_drop_staging(uuid);
DROP FUNCTION settleflow_create_staging(uuid);
DROP TRIGGER statements_no_truncate ON statements;
DROP TRIGGER journal_lines_no_truncate ON journal_lines;
DROP TRIGGER journal_entries_no_truncate ON journal_entries;
DROP TRIGGER cycle_events_no_truncate ON cycle_events;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM settleflow_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM settleflow_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM settleflow_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM settleflow_app;

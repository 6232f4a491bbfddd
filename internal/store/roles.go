package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The roles of the least-privilege setup (docs/audit.md): the owner owns
// every object and runs migrations; the application reads and writes the
// data and may not change the books, the schema or its triggers. Login
// roles of a real server are members of these.
const (
	OwnerRole = "settleflow_owner"
	AppRole   = "settleflow_app"
)

// RoleURL returns databaseURL connecting as role without a password, as a
// local server that trusts local connections, and tests, use it.
func RoleURL(databaseURL, role string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", fmt.Errorf("database URL: %w", err)
	}
	u.User = url.User(role)
	return u.String(), nil
}

// session is who a connection is, as far as migrating goes.
type session struct {
	user  string
	super bool
	// owner: the session is the owner role or may become it.
	owner bool
}

func (s *Store) session(ctx context.Context) (session, error) {
	var who session
	var ownerExists bool
	err := s.Pool.QueryRow(ctx, `SELECT current_user, rolsuper, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)
		FROM pg_roles WHERE rolname = current_user`, OwnerRole).Scan(&who.user, &who.super, &ownerExists)
	if err != nil {
		return who, fmt.Errorf("who is connected: %w", err)
	}
	if !ownerExists || who.super {
		who.owner = who.super
		return who, nil
	}
	err = s.Pool.QueryRow(ctx, `SELECT pg_has_role(current_user, $1, 'MEMBER')`, OwnerRole).Scan(&who.owner)
	if err != nil {
		return who, fmt.Errorf("is %s a member of %s: %w", who.user, OwnerRole, err)
	}
	return who, nil
}

// prepareRoles creates the owner and application roles if they are
// missing and hands the database, and whatever an earlier release created
// in it, to the owner. It needs a superuser: on a real server a DBA does
// the same once (README, "Database roles").
func (s *Store) prepareRoles(ctx context.Context) error {
	if err := s.ensureRole(ctx, OwnerRole, false); err != nil {
		return err
	}
	if err := s.ensureRole(ctx, AppRole, true); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('settleflow:roles'))`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, adoptSQL)
		return err
	})
	if err != nil {
		return fmt.Errorf("hand the database to %s: %w", OwnerRole, err)
	}
	return nil
}

// ensureRole creates a role unless it exists. Roles belong to the whole
// server, so parallel migrations of different databases (tests) may race
// to create one; the loser finds it made.
func (s *Store) ensureRole(ctx context.Context, role string, login bool) error {
	exists := func() (bool, error) {
		var ok bool
		err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, role).Scan(&ok)
		return ok, err
	}
	if ok, err := exists(); err != nil || ok {
		return err
	}
	option := "NOLOGIN"
	if login {
		option = "LOGIN"
	}
	_, err := s.Pool.Exec(ctx, "CREATE ROLE "+pgx.Identifier{role}.Sanitize()+" "+option)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "42710" || pgErr.Code == "23505" || pgErr.Code == "XX000") {
		if ok, _ := exists(); ok {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("create role %s: %w", role, err)
	}
	return nil
}

// adoptSQL makes the owner role own the database and every object of the
// schema not owned by an extension: a database migrated by an earlier
// release belongs to whoever ran it. Sequences owned by a column follow
// their table; partitions do not follow theirs, so they are handed over
// one by one like any table.
const adoptSQL = `DO $$
DECLARE
    r record;
BEGIN
    EXECUTE format('ALTER DATABASE %I OWNER TO settleflow_owner', current_database());
    FOR r IN SELECT c.oid::regclass AS obj, c.relkind FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
               AND c.relowner <> 'settleflow_owner'::regrole
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                               AND d.objsubid = 0
                               AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i'))))
    LOOP
        EXECUTE format(CASE r.relkind WHEN 'S' THEN 'ALTER SEQUENCE %s OWNER TO settleflow_owner'
                                      WHEN 'v' THEN 'ALTER VIEW %s OWNER TO settleflow_owner'
                                      WHEN 'm' THEN 'ALTER MATERIALIZED VIEW %s OWNER TO settleflow_owner'
                                      ELSE 'ALTER TABLE %s OWNER TO settleflow_owner' END, r.obj);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p
             WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> 'settleflow_owner'::regrole
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                               AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO settleflow_owner', r.fn);
    END LOOP;
    FOR r IN SELECT t.oid::regtype AS typ, t.typtype FROM pg_type t
             WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'r')
               AND t.typowner <> 'settleflow_owner'::regrole
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
                               AND d.deptype = 'e')
    LOOP
        EXECUTE format(CASE r.typtype WHEN 'd' THEN 'ALTER DOMAIN %s OWNER TO settleflow_owner'
                                      ELSE 'ALTER TYPE %s OWNER TO settleflow_owner' END, r.typ);
    END LOOP;
END
$$`

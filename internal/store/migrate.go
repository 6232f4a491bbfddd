package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies every pending embedded migration as the owner role and
// reports how many ran. Connected as a superuser, it first creates the
// roles and hands the database to the owner (prepareRoles); as a member of
// the owner role, it becomes the owner. Any other connection may only find
// nothing pending, so a worker started as the application role checks the
// schema without being able to change it.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	who, err := s.session(ctx)
	if err != nil {
		return 0, err
	}
	if who.super {
		if err := s.prepareRoles(ctx); err != nil {
			return 0, err
		}
	}
	pool := s.Pool
	if who.owner && who.user != OwnerRole {
		if pool, err = ownerPool(ctx, s.Pool); err != nil {
			return 0, err
		}
		defer pool.Close()
	}
	provider, db, err := newProvider(pool)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if !who.owner {
		return 0, refuseUnlessCurrent(ctx, provider, who.user)
	}
	results, err := provider.Up(ctx)
	if err != nil {
		return len(results), fmt.Errorf("apply migrations as %s: %w", OwnerRole, err)
	}
	return len(results), nil
}

// ownerPool is a small pool on the same database whose sessions act as the
// owner role, so everything migrations create belongs to it.
func ownerPool(ctx context.Context, base *pgxpool.Pool) (*pgxpool.Pool, error) {
	cfg := base.Config()
	cfg.MaxConns = 2
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, "SET ROLE "+pgx.Identifier{OwnerRole}.Sanitize())
		return err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect as %s: %w", OwnerRole, err)
	}
	return pool, nil
}

func newProvider(pool *pgxpool.Pool) (*goose.Provider, interface{ Close() error }, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, nil, fmt.Errorf("embedded migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	// A session lock lets several workers start at once against one database.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("migration lock: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("migrations: %w", err)
	}
	return provider, db, nil
}

// refuseUnlessCurrent is Migrate for a connection that may not migrate:
// fine when nothing is pending, an error naming the fix otherwise.
func refuseUnlessCurrent(ctx context.Context, provider *goose.Provider, user string) error {
	pending, err := provider.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("check migrations as %s: %w", user, err)
	}
	if pending {
		return fmt.Errorf("migrations are pending and %s may not apply them: run `settleflow migrate` as %s, a member of it, "+
			"or a superuser (SETTLEFLOW_MIGRATE_DATABASE_URL)", user, OwnerRole)
	}
	return nil
}

package devserver

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnsurePostgres starts the machine's local PostgreSQL cluster when
// databaseURL points at this machine and nothing answers there. A remote
// database is never touched: it is reported unreachable instead.
func EnsurePostgres(ctx context.Context, databaseURL string, logger *slog.Logger) error {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return fmt.Errorf("database URL: %w", err)
	}
	addr := net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port))
	if listening(addr) || !IsLocal(cfg.Host) {
		return nil
	}
	version, err := ClusterVersion()
	if err != nil {
		return fmt.Errorf("postgres is down at %s: %w", addr, err)
	}
	logger.Info("starting local PostgreSQL", "version", version)
	cmd := exec.CommandContext(ctx, "pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("start postgres %s: %w", version, err)
	}
	return waitListening(ctx, addr, 30*time.Second)
}

// ClusterVersion is the newest PostgreSQL version with a cluster on this
// machine (Debian's /etc/postgresql/<version>), for pg_ctlcluster.
func ClusterVersion() (string, error) {
	versions, _ := filepath.Glob("/etc/postgresql/*")
	if len(versions) == 0 {
		return "", fmt.Errorf("no local cluster is installed under /etc/postgresql")
	}
	return filepath.Base(versions[len(versions)-1]), nil
}

// IsLocal says whether host names this machine: localhost, a loopback
// address, or a Unix socket directory.
func IsLocal(host string) bool {
	if host == "localhost" || len(host) > 0 && host[0] == '/' {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

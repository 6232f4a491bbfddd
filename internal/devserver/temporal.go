package devserver

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	temporalconfig "github.com/settleflow/settleflow/temporal-config"
)

// Temporal is a running (or reused) dev server.
type Temporal struct {
	Address string
	UIURL   string
	Reused  bool
	PID     int
}

// ConfigAt is the embedded dev server configuration with its frontend at
// address, which must be a port of this machine (where a dev server can be
// started); where its UI listens is the caller's to choose.
func ConfigAt(address string) (temporalconfig.Config, error) {
	cfg, err := temporalconfig.Default()
	if err != nil {
		return cfg, err
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return cfg, fmt.Errorf("temporal address %q: %w", address, err)
	}
	if !IsLocal(host) {
		return cfg, fmt.Errorf("temporal address %s is not on this machine", address)
	}
	if cfg.FrontendPort, err = strconv.Atoi(port); err != nil || cfg.FrontendPort < 1 || cfg.FrontendPort > 65535 {
		return cfg, fmt.Errorf("temporal address %s: port %q is not a number from 1 to 65535", address, port)
	}
	return cfg, nil
}

// StartTemporal reuses a server already listening on the configured port,
// or starts `temporal server start-dev` detached, with its SQLite file and
// log under stateDir, so it outlives the demo and its UI stays browsable.
func StartTemporal(ctx context.Context, cfg temporalconfig.Config, stateDir string, logger *slog.Logger) (Temporal, error) {
	t := Temporal{Address: cfg.FrontendAddress(), UIURL: fmt.Sprintf("http://localhost:%d", cfg.UIPort)}
	if listening(t.Address) {
		t.Reused = true
		return t, nil
	}
	bin, err := EnsureBinary(ctx, logger)
	if err != nil {
		return t, err
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return t, err
	}
	args, err := cfg.StartDevArgs()
	if err != nil {
		return t, err
	}
	args = append([]string{"server", "start-dev",
		"--ip", "127.0.0.1",
		"--port", strconv.Itoa(cfg.FrontendPort),
		"--ui-port", strconv.Itoa(cfg.UIPort),
		"--db-filename", filepath.Join(stateDir, "temporal.db"),
		"--log-level", "warn"}, args...)
	logFile, err := os.OpenFile(filepath.Join(stateDir, "temporal.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return t, err
	}
	defer logFile.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // survive the demo's exit
	logger.Info("starting Temporal dev server", "address", t.Address, "ui", t.UIURL, "args", strings.Join(args, " "))
	if err := cmd.Start(); err != nil {
		return t, fmt.Errorf("start %s: %w", bin, err)
	}
	t.PID = cmd.Process.Pid
	if err := os.WriteFile(filepath.Join(stateDir, "temporal.pid"), []byte(strconv.Itoa(t.PID)), 0o644); err != nil {
		return t, err
	}
	go func() { _ = cmd.Wait() }() // reap it if it dies while we run
	if err := waitListening(ctx, t.Address, 90*time.Second); err != nil {
		return t, fmt.Errorf("temporal dev server did not come up (see %s): %w", filepath.Join(stateDir, "temporal.log"), err)
	}
	return t, nil
}

// StopTemporal stops a dev server started by StartTemporal and waits until
// it has gone (SIGTERM, then SIGKILL after 15 s), so nothing it runs
// outlives the call or writes into stateDir after it.
func StopTemporal(stateDir string) error {
	data, err := os.ReadFile(filepath.Join(stateDir, "temporal.pid"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return fmt.Errorf("pid file: %w", err)
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && err != syscall.ESRCH {
		return fmt.Errorf("stop temporal pid %d: %w", pid, err)
	}
	if err := os.Remove(filepath.Join(stateDir, "temporal.pid")); err != nil {
		return err
	}
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && err != syscall.ESRCH {
		return fmt.Errorf("kill temporal dev server %d: %w", pid, err)
	}
	return nil
}

func listening(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

func waitListening(ctx context.Context, addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for !listening(addr) {
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listening on %s after %s", addr, limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return nil
}

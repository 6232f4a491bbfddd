// Package devserver runs settleflow's local infrastructure for the demo and
// the tests: the Temporal dev server built from the pinned CLI module, and
// the local PostgreSQL cluster.
package devserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
)

// CLIVersion is the Temporal CLI pinned in tools/go.mod.
const CLIVersion = "1.5.1"

// BinaryPath is where the built Temporal CLI is cached: outside any clone,
// so fresh clones and CI runs on the same machine reuse it.
// SETTLEFLOW_TEMPORAL_CLI overrides it.
func BinaryPath() (string, error) {
	if p := os.Getenv("SETTLEFLOW_TEMPORAL_CLI"); p != "" {
		return p, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("user cache dir: %w", err)
	}
	return filepath.Join(dir, "settleflow", "temporal-"+CLIVersion), nil
}

// EnsureBinary returns the cached Temporal CLI, building it from the tools
// module (found by walking up from the working directory) when it is missing.
func EnsureBinary(ctx context.Context, logger *slog.Logger) (string, error) {
	path, err := BinaryPath()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tools, err := findToolsModule()
	if err != nil {
		return "", fmt.Errorf("temporal CLI not at %s and cannot build it: %w", path, err)
	}
	logger.Info("building the Temporal CLI once (several minutes)", "version", CLIVersion, "into", path)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	// Test packages run in parallel and may all find the binary missing;
	// each builds to its own file and the rename is atomic.
	tmp := fmt.Sprintf("%s.partial-%d", path, os.Getpid())
	cmd := exec.CommandContext(ctx, "go", "build", "-o", tmp, "github.com/temporalio/cli/cmd/temporal")
	cmd.Dir = tools
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build temporal CLI in %s: %w", tools, err)
	}
	return path, os.Rename(tmp, path)
}

func findToolsModule() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		candidate := filepath.Join(dir, "tools", "go.mod")
		if _, err := os.Stat(candidate); err == nil {
			return filepath.Dir(candidate), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no tools/go.mod above the working directory; run from a settleflow checkout or set SETTLEFLOW_TEMPORAL_CLI")
		}
		dir = parent
	}
}

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/settleflow/settleflow/internal/audit"
)

// devAuditKeys reads the demo's audit key from stateDir, generating it the
// first time. It stays beside the dev server's state, outside the
// database; `SETTLEFLOW_AUDIT_KEY_FILE=.state/audit-key settleflow audit
// verify` checks the demo's books with it.
func devAuditKeys(stateDir string) (*audit.Keyring, error) {
	path := filepath.Join(stateDir, "audit-key")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		spec, err := audit.NewKeySpec("dev")
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(stateDir, 0o755); err != nil {
			return nil, fmt.Errorf("audit key: %w", err)
		}
		if err := os.WriteFile(path, []byte(spec+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("audit key: %w", err)
		}
		data = []byte(spec)
	} else if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	keys, err := audit.ParseKeyring(string(data))
	if err != nil {
		return nil, fmt.Errorf("audit key %s: %w", path, err)
	}
	return keys, nil
}

package audit

import (
	"fmt"
	"os"
	"strings"
)

// Environment variables that carry the keyring: the spec itself, or a file
// holding it (as secret stores mount them).
const (
	EnvKey     = "SETTLEFLOW_AUDIT_KEY"
	EnvKeyFile = "SETTLEFLOW_AUDIT_KEY_FILE"
)

// FromEnv reads the keyring from EnvKey, else from the file EnvKeyFile
// names; with neither set it returns nil and no error, and the caller
// decides whether it can work without one.
func FromEnv(getenv func(string) string) (*Keyring, error) {
	if spec := strings.TrimSpace(getenv(EnvKey)); spec != "" {
		k, err := ParseKeyring(spec)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvKey, err)
		}
		return k, nil
	}
	path := strings.TrimSpace(getenv(EnvKeyFile))
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvKeyFile, err)
	}
	k, err := ParseKeyring(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", EnvKeyFile, path, err)
	}
	return k, nil
}

package testenv

import (
	"crypto/sha256"
	"encoding/base64"
	"testing"

	"github.com/settleflow/settleflow/internal/audit"
)

// AuditKeySpec is the audit keyring every test writes the books with, as
// SETTLEFLOW_AUDIT_KEY would carry it: fixed, so a worker process a test
// starts seals with the same key the test verifies with.
var AuditKeySpec = func() string {
	secret := sha256.Sum256([]byte("settleflow test audit key"))
	return "test:" + base64.StdEncoding.EncodeToString(secret[:])
}()

// AuditKeys is AuditKeySpec parsed.
func AuditKeys(tb testing.TB) *audit.Keyring {
	tb.Helper()
	k, err := audit.ParseKeyring(AuditKeySpec)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

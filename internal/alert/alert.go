// Package alert builds the signed notice settleflow posts to an operator's
// webhook when a cycle blocks. The receiver checks the signature with the
// shared secret before trusting the body.
package alert

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
)

// SignatureHeader carries "sha256=<hex HMAC of the body>".
const SignatureHeader = "X-Settleflow-Signature"

// Blocked is the JSON body of a blocked-cycle alert.
type Blocked struct {
	Event       string    `json:"event"` // always lifecycle.EventCycleBlocked
	CycleID     string    `json:"cycle_id"`
	WorkflowID  string    `json:"workflow_id"`
	Scope       string    `json:"scope"`
	Period      string    `json:"period"`
	Revision    int       `json:"revision"`
	Step        string    `json:"step"`
	Error       string    `json:"error"`
	Episode     int       `json:"episode"`
	BlockedAt   time.Time `json:"blocked_at"`
	AutoAbortAt time.Time `json:"auto_abort_at,omitzero"`
	Actions     []string  `json:"actions"`
}

// Encode returns the body and its signature under secret.
func Encode(b Blocked, secret []byte) (body []byte, signature string, err error) {
	if len(secret) == 0 {
		return nil, "", fmt.Errorf("alert signing secret is empty")
	}
	b.Event = lifecycle.EventCycleBlocked
	body, err = json.Marshal(b)
	if err != nil {
		return nil, "", fmt.Errorf("encode alert: %w", err)
	}
	return body, Sign(body, secret), nil
}

// Sign returns the header value for body.
func Sign(body, secret []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether signature is body's signature under secret, in
// constant time.
func Verify(body []byte, signature string, secret []byte) bool {
	return hmac.Equal([]byte(signature), []byte(Sign(body, secret)))
}

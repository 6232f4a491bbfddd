package activities

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/settleflow/settleflow/internal/alert"
	"github.com/settleflow/settleflow/internal/lifecycle"
)

// AlertWebhookEnv overrides a scope's blocked.alert_webhook; the scope name
// is upper-cased with '-' as '_'.
func AlertWebhookEnv(scope string) string {
	return "SETTLEFLOW_SCOPE_" + strings.ToUpper(strings.ReplaceAll(scope, "-", "_")) + "_ALERT_WEBHOOK"
}

// AlertSecretEnv holds the HMAC secret alerts are signed with.
const AlertSecretEnv = "SETTLEFLOW_ALERT_SECRET"

// Alert posts a signed blocked-cycle notice to the scope's webhook. A scope
// without a webhook gets none. The Idempotency-Key lets the receiver drop a
// notice that a retry delivers twice.
func (a *Activities) Alert(ctx context.Context, in AlertInput) error {
	sc, err := a.Catalog.Scope(in.Scope)
	if err != nil {
		return badData(err)
	}
	url := a.getenv(AlertWebhookEnv(sc.Name))
	if url == "" {
		url = sc.Blocked.AlertWebhook
	}
	if url == "" {
		a.logger().Warn("cycle blocked; scope has no alert webhook", "workflow", in.WorkflowID, "step", in.Step)
		return nil
	}
	body, sig, err := alert.Encode(alert.Blocked{CycleID: in.CycleID.String(), WorkflowID: in.WorkflowID, Scope: in.Scope,
		Period: in.PeriodKey, Revision: in.Revision, Step: in.Step, Error: in.Error, Episode: in.Episode,
		BlockedAt: in.BlockedAt, AutoAbortAt: in.AutoAbortAt, Actions: []string{lifecycle.ActionRetry, lifecycle.ActionSkip, lifecycle.ActionAbort}},
		[]byte(a.getenv(AlertSecretEnv)))
	if err != nil {
		return badData(fmt.Errorf("alert for %s: %w (set %s)", in.WorkflowID, err, AlertSecretEnv))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return badData(fmt.Errorf("alert webhook %q: %w", url, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(alert.SignatureHeader, sig)
	req.Header.Set("Idempotency-Key", StepID(in.CycleID, fmt.Sprintf("alert/%d", in.Episode)).String())
	resp, err := a.httpClient().Do(req)
	if err != nil {
		return fmt.Errorf("alert webhook %s: %w", url, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	err = fmt.Errorf("alert webhook %s: status %d: %s", url, resp.StatusCode, snippet)
	if resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusTooManyRequests {
		return badData(err)
	}
	return err
}

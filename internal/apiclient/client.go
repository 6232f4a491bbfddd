// Package apiclient calls settleflow's HTTP API with a token: the CLI's
// operator actions go through it when an API is configured, so they are
// recorded under the token's identity rather than a name typed on the
// command line.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client calls one settleflow API.
type Client struct {
	BaseURL string // e.g. https://settleflow.internal:8080
	Token   string
	HTTP    *http.Client // nil uses a client with a 2-minute timeout
}

// Error is the API's error answer.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
	// Rows are a refused import's errors, one per row and field.
	Rows []RowError `json:"rows"`
}

// RowError is one row of an import the API refused (row 1 is the header).
type RowError struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s (HTTP %d, %s)", e.Message, e.Status, e.Code)
}

// ActionResult is the answer to an operator action.
type ActionResult struct {
	Action  string `json:"action"`
	Actor   string `json:"actor"`
	Episode int    `json:"episode"`
	Status  string `json:"status"`
}

// Started is the answer to starting a cycle.
type Started struct {
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
	Existing   bool   `json:"existing"`
	StartedBy  string `json:"started_by"`
}

// Cycle is the part of a cycle's status the CLI waits on.
type Cycle struct {
	WorkflowID string `json:"workflow_id"`
	Status     string `json:"status"`
	Revision   int    `json:"revision"`
	Error      string `json:"error"`
}

// Act applies an operator action to the cycle with workflow ID
// settle/<scope>/<period>.
func (c *Client) Act(ctx context.Context, workflowID, action, reason string) (ActionResult, error) {
	path, err := cyclePath(workflowID)
	if err != nil {
		return ActionResult{}, err
	}
	var res ActionResult
	err = c.do(ctx, http.MethodPost, path+"/"+url.PathEscape(action), map[string]string{"reason": reason}, &res)
	return res, err
}

// Start starts a cycle as the token's identity.
func (c *Client) Start(ctx context.Context, req StartRequest) (Started, error) {
	var res Started
	err := c.do(ctx, http.MethodPost, "/api/v1/cycles", map[string]any{"scope": req.Scope, "period": req.Period,
		"revise": req.Revise, "idempotency_key": req.IdempotencyKey, "force": req.Force}, &res)
	return res, err
}

// StartRequest asks the API to settle a period.
type StartRequest struct {
	Scope, Period  string
	Revise         bool
	IdempotencyKey string // with Revise: repeating the request starts one revision
	Force          string // why a period not over yet is settled
}

// Cycle reads a cycle's status.
func (c *Client) Cycle(ctx context.Context, workflowID string) (Cycle, error) {
	path, err := cyclePath(workflowID)
	if err != nil {
		return Cycle{}, err
	}
	var res Cycle
	return res, c.do(ctx, http.MethodGet, path, nil, &res)
}

// cyclePath maps a workflow ID to its API path.
func cyclePath(workflowID string) (string, error) {
	rest, ok := strings.CutPrefix(workflowID, "settle/")
	scope, period, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || scope == "" || period == "" {
		return "", fmt.Errorf("workflow ID %q: want settle/<scope>/<period>", workflowID)
	}
	return "/api/v1/cycles/" + url.PathEscape(scope) + "/" + url.PathEscape(period), nil
}

// do sends body, if any, as JSON.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	if body == nil {
		return c.send(ctx, method, path, "", nil, out)
	}
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	return c.send(ctx, method, path, "application/json", bytes.NewReader(data), out)
}

// send makes a request with a body of contentType and decodes the JSON
// answer into out, or the API's error.
func (c *Client) send(ctx context.Context, method, path, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, body)
	if err != nil {
		return fmt.Errorf("API URL %q: %w", c.BaseURL, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 2 * time.Minute}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("settleflow API at %s: %w", c.BaseURL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("read answer to %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		return decodeError(resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("answer to %s %s: %w", method, path, err)
	}
	return nil
}

func decodeError(status int, data []byte) error {
	var body struct {
		Error *Error `json:"error"`
	}
	if err := json.Unmarshal(data, &body); err != nil || body.Error == nil {
		return &Error{Status: status, Code: "http", Message: strings.TrimSpace(string(data))}
	}
	body.Error.Status = status
	return body.Error
}

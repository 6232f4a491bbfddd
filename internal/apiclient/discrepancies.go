package apiclient

import (
	"context"
	"io"
	"net/http"
	"net/url"
)

// Discrepancy is the part of a reconciliation break a resolution answers
// with: the break as it now stands.
type Discrepancy struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	Action       string `json:"resolution_action"`
	ResolvedBy   string `json:"resolved_by"`
	Reason       string `json:"resolution_reason"`
	JournalEntry string `json:"journal_entry"`
}

// Imported is the answer to an import.
type Imported struct {
	Actor     string `json:"actor"`
	Rows      int    `json:"rows"`
	Resolved  int    `json:"resolved"`
	Already   int    `json:"already"`
	Unchanged int    `json:"unchanged"`
}

// Resolve resolves one break (accept, adjust or carry) as the token's
// identity.
func (c *Client) Resolve(ctx context.Context, id, action, reason string) (Discrepancy, error) {
	var res Discrepancy
	err := c.do(ctx, http.MethodPost, "/api/v1/discrepancies/"+url.PathEscape(id)+"/resolve",
		map[string]string{"action": action, "reason": reason}, &res)
	return res, err
}

// Import applies an edited discrepancy export, all or nothing, as the
// token's identity. A refusal is an *Error whose Rows name each row and
// field at fault.
func (c *Client) Import(ctx context.Context, csv io.Reader) (Imported, error) {
	var res Imported
	err := c.send(ctx, http.MethodPost, "/api/v1/discrepancies/import", "text/csv", csv, &res)
	return res, err
}

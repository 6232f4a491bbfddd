// Package provider is the source adapter for the game-aggregator transaction
// feed. It fetches pages and applies stage 1 (format) validation; it does not
// dedupe, retry or apply business rules.
package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// transactionsPath is the only endpoint of the feed.
const transactionsPath = "/v1/transactions"

// maxBody bounds memory per page: 5000 records of ~300 bytes with headroom.
const maxBody = 32 << 20

// Client pulls the feed. The zero HTTP uses http.DefaultClient; PageSize 0
// leaves the limit to the server.
type Client struct {
	BaseURL  string
	Token    string
	HTTP     *http.Client
	PageSize int
}

// Page is one response: the format-valid records and the rejects, in the
// order the feed sent them. NextCursor is empty on the last page.
type Page struct {
	Records    []Record
	Rejects    []Reject
	NextCursor string
}

// FetchPage requests one page of [from, to) starting at cursor ("" for the
// first page). One malformed record becomes a Reject; only a broken envelope
// or a non-200 answer fails the call. Duplicated records across pages are
// returned as sent; deduplication is the caller's job.
func (c *Client) FetchPage(ctx context.Context, from, to time.Time, cursor string) (Page, error) {
	if !from.Before(to) {
		return Page{}, fmt.Errorf("%w: period [%s, %s) is empty", ErrInvalidRequest,
			from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	}
	u, err := c.pageURL(from, to, cursor)
	if err != nil {
		return Page{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Page{}, fmt.Errorf("%w: build request: %v", ErrInvalidRequest, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/json")

	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Page{}, fmt.Errorf("provider GET %s: %w", transactionsPath, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Page{}, fmt.Errorf("provider GET %s: read body (status %d): %w", transactionsPath, resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK {
		return Page{}, &HTTPError{
			Path:       transactionsPath,
			Status:     resp.StatusCode,
			Body:       snippet(body, bodySnippetLen),
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		}
	}
	return decodePage(body)
}

func (c *Client) pageURL(from, to time.Time, cursor string) (string, error) {
	base, err := url.Parse(strings.TrimRight(c.BaseURL, "/") + transactionsPath)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return "", fmt.Errorf("%w: base URL %q", ErrInvalidRequest, c.BaseURL)
	}
	q := url.Values{}
	q.Set("from", from.UTC().Format(time.RFC3339))
	q.Set("to", to.UTC().Format(time.RFC3339))
	if c.PageSize > 0 {
		q.Set("limit", strconv.Itoa(c.PageSize))
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	base.RawQuery = q.Encode()
	return base.String(), nil
}

// decodePage keeps each element raw so one bad record cannot fail the page.
func decodePage(body []byte) (Page, error) {
	var env struct {
		Data       *[]json.RawMessage `json:"data"`
		NextCursor string             `json:"next_cursor"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return Page{}, fmt.Errorf("%w: GET %s: %v: %s", ErrMalformedResponse, transactionsPath, err, snippet(body, bodySnippetLen))
	}
	if env.Data == nil {
		return Page{}, fmt.Errorf("%w: GET %s: no data array: %s", ErrMalformedResponse, transactionsPath, snippet(body, bodySnippetLen))
	}
	p := Page{NextCursor: env.NextCursor, Records: make([]Record, 0, len(*env.Data))}
	for i, raw := range *env.Data {
		rec, fe := decodeRecord(raw)
		if fe != nil {
			p.Rejects = append(p.Rejects, Reject{
				Index:         i,
				TransactionID: rejectID(raw),
				Reason:        fe.reason,
				Detail:        fe.detail,
				Raw:           raw, // Unmarshal already copied it out of body
			})
			continue
		}
		p.Records = append(p.Records, rec)
	}
	return p, nil
}

// Package feed is the HTTP side of every adapter of a cursor-paged JSON
// feed, GET <path>?from=&to=&limit=&cursor= with a bearer token answering
// {"data":[...],"next_cursor":"..."}: it builds the request, bounds and
// reads the body, scans the envelope (see package wire), classifies
// failures as permanent or temporary and retries the temporary ones.
// Adapters keep only their record's field mapping.
package feed

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/wire"
)

// DefaultMaxBody bounds memory per page: 5000 records of about 300 bytes,
// with ample headroom.
const DefaultMaxBody = 32 << 20

// Client fetches the pages of one feed. Its fields are read, never
// written, so one Client serves concurrent fetches.
type Client struct {
	// BaseURL is the feed's root, http or https; Path is appended to it.
	BaseURL string
	Path    string
	Token   string
	// PageSize is sent as limit; 0 leaves the size to the server.
	PageSize int
	// MaxBody bounds a page's body in bytes; 0 means DefaultMaxBody.
	MaxBody int64
	// HTTP is the client to send with; nil means a shared client from
	// NewHTTPClient(DefaultTimeouts()).
	HTTP *http.Client
	// Retry retries temporary failures; nil tries each request once.
	Retry *RetryPolicy
}

// Page is one page as the feed sent it, its records still raw.
type Page struct {
	wire.Envelope
	// Bytes is the size of the body.
	Bytes int
	// Attempts is how many requests the page took.
	Attempts int
}

// Fetch gets the page req asks for. Errors name the path and the cursor;
// IsPermanent tells whether retrying later can help.
func (c *Client) Fetch(ctx context.Context, req source.PageRequest) (Page, error) {
	u, err := c.pageURL(req)
	if err != nil {
		return Page{}, err
	}
	return c.Retry.do(ctx, u.String(), func(ctx context.Context) (Page, error) {
		return c.fetchOnce(ctx, u, req.Cursor)
	})
}

// Validate checks what Fetch would refuse whatever page it is asked for.
func (c *Client) Validate() error {
	_, err := c.baseURL()
	return err
}

func (c *Client) baseURL() (*url.URL, error) {
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: base URL %q: want http(s)://host[/path]", ErrInvalidRequest, c.BaseURL)
	}
	if u.Path == "" {
		u.Path = "/" // else JoinPath gives a relative path
	}
	return u.JoinPath(c.Path), nil
}

func (c *Client) pageURL(req source.PageRequest) (*url.URL, error) {
	if !req.From.Before(req.To) {
		return nil, fmt.Errorf("%w: period [%s, %s) is empty", ErrInvalidRequest,
			req.From.UTC().Format(time.RFC3339), req.To.UTC().Format(time.RFC3339))
	}
	u, err := c.baseURL()
	if err != nil {
		return nil, err
	}
	q := u.Query() // a query in the base URL is kept
	q.Set("from", req.From.UTC().Format(time.RFC3339))
	q.Set("to", req.To.UTC().Format(time.RFC3339))
	if c.PageSize > 0 {
		q.Set("limit", strconv.Itoa(c.PageSize))
	}
	if req.Cursor != "" {
		q.Set("cursor", req.Cursor)
	}
	u.RawQuery, u.Fragment = q.Encode(), ""
	return u, nil
}

// fetchOnce makes one request for the page at u.
func (c *Client) fetchOnce(ctx context.Context, u *url.URL, cursor string) (Page, error) {
	body, err := c.get(ctx, u, cursor)
	if err != nil {
		return Page{}, err
	}
	env, err := wire.ScanEnvelope(body)
	if err != nil {
		return Page{}, fmt.Errorf("%w: %s: %v; body starts %s", ErrMalformedResponse, target{path: u.Path, cursor: cursor}, err, snippet(body))
	}
	return Page{Envelope: env, Bytes: len(body)}, nil
}

// get makes one request for u and returns the body of a 200; errors name
// the path and the cursor.
func (c *Client) get(ctx context.Context, u *url.URL, cursor string) ([]byte, error) {
	at := target{path: u.Path, cursor: cursor}
	hc := c.httpClient()
	ctx, tr := withTrace(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidRequest, at, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, at.failed(ctx, hc, tr, err, 0)
	}
	defer resp.Body.Close()
	tr.phase.Store(int32(phaseBody))
	if resp.StatusCode != http.StatusOK {
		return nil, at.httpError(resp)
	}
	body, err := readBody(resp, c.maxBody())
	if err != nil {
		if isTooLarge(err) {
			return nil, fmt.Errorf("%s: %w", at, err)
		}
		return nil, at.failed(ctx, hc, tr, err, len(body))
	}
	return body, nil
}

func (c *Client) maxBody() int64 {
	if c.MaxBody > 0 {
		return c.MaxBody
	}
	return DefaultMaxBody
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP()
}

// target names the request in errors.
type target struct{ path, cursor string }

func (t target) String() string { return fmt.Sprintf("GET %s (cursor %q)", t.path, t.cursor) }

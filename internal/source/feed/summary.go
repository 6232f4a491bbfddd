package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/wire"
)

// SummarySuffix is appended to a feed's path for its control totals:
//
//	GET <path>/summary?from=&to=  →  {"days": [{"day": "2026-11-01", "currency": "KRW",
//	                                   "type": "bet", "count": 1234, "amount": 5678900}, ...]}
const SummarySuffix = "/summary"

// maxSummaryDays bounds the lines a summary may hold: a year of daily
// totals for a few hundred currency and type pairs.
const maxSummaryDays = 200_000

// Summary fetches the feed's control totals for [from, to), retried like
// a page. Every line is checked: a day that is not a date, an empty
// currency or type, a negative count or a number that is not an integer
// literal fails the whole summary (ErrMalformedResponse), naming the line.
func (c *Client) Summary(ctx context.Context, from, to time.Time) ([]source.DayTotal, error) {
	sc := *c
	sc.Path = c.Path + SummarySuffix
	u, err := sc.pageURL(source.PageRequest{From: from, To: to})
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Del("limit")
	u.RawQuery = q.Encode()
	var days []source.DayTotal
	// The retry policy works on pages; the summary rides along in days.
	_, err = c.Retry.do(ctx, u.String(), func(ctx context.Context) (Page, error) {
		body, err := sc.get(ctx, u, "")
		if err != nil {
			return Page{}, err
		}
		days, err = decodeSummary(body)
		if err != nil {
			return Page{}, fmt.Errorf("%w: GET %s: %v", ErrMalformedResponse, u.Path, err)
		}
		return Page{Bytes: len(body)}, nil
	})
	return days, err
}

// summaryLine is a line as sent; numbers stay raw so none passes a float.
type summaryLine struct {
	Day      string          `json:"day"`
	Currency string          `json:"currency"`
	Type     string          `json:"type"`
	Count    json.RawMessage `json:"count"`
	Amount   json.RawMessage `json:"amount"`
}

func decodeSummary(body []byte) ([]source.DayTotal, error) {
	var doc struct {
		Days []summaryLine `json:"days"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if doc.Days == nil {
		return nil, fmt.Errorf(`no "days" array`)
	}
	if len(doc.Days) > maxSummaryDays {
		return nil, fmt.Errorf("%d lines, more than the %d a summary may hold", len(doc.Days), maxSummaryDays)
	}
	out := make([]source.DayTotal, len(doc.Days))
	for i, l := range doc.Days {
		d, err := l.total()
		if err != nil {
			return nil, fmt.Errorf("line %d (%s %s %s): %w", i, l.Day, l.Currency, l.Type, err)
		}
		out[i] = d
	}
	return out, nil
}

func (l summaryLine) total() (source.DayTotal, error) {
	day, err := time.Parse(time.DateOnly, l.Day)
	if err != nil {
		return source.DayTotal{}, fmt.Errorf("day %q is not YYYY-MM-DD", l.Day)
	}
	if l.Currency == "" || l.Type == "" {
		return source.DayTotal{}, fmt.Errorf("currency and type are required")
	}
	count, err := wire.ParseInt64(bytes.TrimSpace(l.Count))
	if err != nil || count < 0 {
		return source.DayTotal{}, fmt.Errorf("count %s is not a count", l.Count)
	}
	amount, err := wire.ParseInt64(bytes.TrimSpace(l.Amount))
	if err != nil {
		return source.DayTotal{}, fmt.Errorf("amount: %w", err)
	}
	return source.DayTotal{Day: day, Currency: l.Currency, Type: l.Type, Count: count, Amount: amount}, nil
}

package source

import (
	"context"
	"time"
)

// Summarizer is implemented by adapters whose source publishes control
// totals: what it booked, per UTC day of booking, currency and type. A
// pull compares them with what it staged, so records a source lost in
// transit (a missing page) are found.
type Summarizer interface {
	// Summary returns the source's totals for the records it booked in
	// [from, to).
	Summary(ctx context.Context, from, to time.Time) ([]DayTotal, error)
}

// DayTotal is one line of a source's control totals.
type DayTotal struct {
	// Day is the UTC date of booking, at midnight UTC.
	Day      time.Time
	Currency string
	Type     string
	Count    int64
	Amount   int64
}

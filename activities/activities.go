// Package activities adapts the cycle's steps to settleflow's domain
// packages, its Postgres store and partner APIs. Each activity reads and
// writes Postgres by cycle ID and returns a summary, never the records, and
// each is safe to run again: its writes are keyed so a retry is a no-op.
package activities

import (
	"errors"
	"log/slog"
	"net/http"
	"os"

	"go.temporal.io/sdk/temporal"

	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/feed"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/internal/telemetry"
)

// Activities holds what the activities share. One value serves every
// activity of a worker.
type Activities struct {
	Store   *store.Store
	Catalog catalog.Catalog
	// Sources holds the source adapters; nil means every adapter.
	Sources *source.Registry
	// Getenv resolves source URLs and tokens; nil means os.Getenv.
	Getenv func(string) string
	// HTTP reaches partners and webhooks; nil means clients with timeouts
	// (see feed.NewHTTPClient).
	HTTP *http.Client
	Log  *slog.Logger
	// Metrics records settleflow's own metrics; nil records none.
	Metrics *telemetry.Metrics
}

// ErrBadData marks failures that retrying cannot fix: invalid input or
// configuration, refused credentials. The workflow treats the error type
// as non-retryable.
const ErrBadData = "BadData"

func (a *Activities) getenv(key string) string {
	if a.Getenv != nil {
		return a.Getenv(key)
	}
	return os.Getenv(key)
}

func (a *Activities) httpClient() *http.Client {
	if a.HTTP != nil {
		return a.HTTP
	}
	return defaultHTTP
}

// defaultHTTP bounds every request: a webhook or partner that stops
// answering fails with a timeout instead of holding the activity.
var defaultHTTP = feed.NewHTTPClient(feed.DefaultTimeouts())

func (a *Activities) logger() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}

// badData wraps err as non-retryable.
func badData(err error) error {
	if err == nil {
		return nil
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return err
	}
	return temporal.NewNonRetryableApplicationError(err.Error(), ErrBadData, err)
}

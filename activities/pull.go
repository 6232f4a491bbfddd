package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/activity"

	"github.com/settleflow/settleflow/internal/scope"
	"github.com/settleflow/settleflow/internal/source/provider"
	"github.com/settleflow/settleflow/internal/store"
)

// Pull pages through one source for the cycle's period and stages every
// page in Postgres as it arrives. After each page it heartbeats the next
// cursor, so when a worker dies mid-pull the retried attempt resumes there;
// pages fetched again are absorbed by the staging key.
func (a *Activities) Pull(ctx context.Context, in PullInput) (PullResult, error) {
	sc, err := a.Catalog.Scope(in.Scope)
	if err != nil {
		return PullResult{}, badData(err)
	}
	src, err := findSource(sc, in.Source)
	if err != nil {
		return PullResult{}, badData(err)
	}
	if src.Kind != scope.KindProvider {
		return PullResult{}, badData(fmt.Errorf("source %s: kind %s has no adapter yet", src.Name, src.Kind))
	}
	client := &provider.Client{
		BaseURL:  src.ResolveURL(sc.Name, a.getenv),
		Token:    src.ResolveToken(a.getenv),
		HTTP:     a.httpClient(),
		PageSize: src.PageSize,
	}
	res := PullResult{Source: src.Name}
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &res.Progress); err != nil {
			return res, fmt.Errorf("source %s: read heartbeat: %w", src.Name, err)
		}
		res.Resumed = true
		a.logger().Info("resuming pull", slog.String("cycle", in.CycleID.String()), slog.String("source", src.Name),
			slog.String("cursor", res.Progress.Cursor), slog.Int("pages", res.Progress.Pages))
	}
	for {
		done, err := a.pullPage(ctx, client, in, src.Name, &res.Progress)
		if err != nil || done {
			return res, err
		}
	}
}

// pullPage fetches and stages the page at the progress cursor, in a span of
// its own, and heartbeats the cursor after it. It reports the last page.
func (a *Activities) pullPage(ctx context.Context, client *provider.Client, in PullInput, source string, p *PullProgress) (bool, error) {
	ctx, span := tracer.Start(ctx, "pull page", trace.WithAttributes(
		attribute.String("settleflow.source", source), attribute.Int("settleflow.page", p.Pages+1)))
	defer span.End()
	page, err := client.FetchPage(ctx, in.PeriodStart, in.PeriodEnd, p.Cursor)
	if err != nil {
		span.RecordError(err)
		return false, pullError(source, *p, err)
	}
	staged, err := a.Store.StagePage(ctx, in.CycleID, source, page)
	if err != nil {
		span.RecordError(err)
		return false, err
	}
	span.SetAttributes(attribute.Int("settleflow.received", staged.Received), attribute.Int("settleflow.inserted", staged.Inserted),
		attribute.Int("settleflow.duplicates", staged.Duplicates), attribute.Int("settleflow.rejects", staged.Rejects))
	p.add(staged, page.NextCursor)
	activity.RecordHeartbeat(ctx, *p)
	return page.NextCursor == "", nil
}

// tracer is the global provider's: a no-op until telemetry is set up.
var tracer = otel.Tracer("github.com/settleflow/settleflow/activities")

func (p *PullProgress) add(staged store.PageResult, next string) {
	p.Cursor = next
	p.Pages++
	p.Received += staged.Received
	p.Inserted += staged.Inserted
	p.Duplicates += staged.Duplicates
	p.Conflicts += staged.Conflicts
	p.Rejects += staged.Rejects
}

func pullError(source string, p PullProgress, err error) error {
	err = fmt.Errorf("source %s after %d pages (cursor %q): %w", source, p.Pages, p.Cursor, err)
	if provider.IsPermanent(err) && !errors.Is(err, context.Canceled) {
		return badData(err)
	}
	return err
}

func findSource(sc scope.Scope, name string) (scope.Source, error) {
	for _, s := range sc.Sources {
		if s.Name == name {
			return s, nil
		}
	}
	return scope.Source{}, fmt.Errorf("scope %s has no source %q", sc.Name, name)
}

// DiscardStaging is the compensation of a pull: it drops the source's staged
// and quarantined records for the cycle.
func (a *Activities) DiscardStaging(ctx context.Context, in CompensateInput) (int64, error) {
	return a.Store.DiscardStaging(ctx, in.CycleID, in.Source)
}

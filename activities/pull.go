package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

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
		page, err := client.FetchPage(ctx, in.PeriodStart, in.PeriodEnd, res.Progress.Cursor)
		if err != nil {
			return res, pullError(src.Name, res.Progress, err)
		}
		staged, err := a.Store.StagePage(ctx, in.CycleID, src.Name, page)
		if err != nil {
			return res, err
		}
		res.Progress.add(staged, page.NextCursor)
		activity.RecordHeartbeat(ctx, res.Progress)
		if page.NextCursor == "" {
			return res, nil
		}
	}
}

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

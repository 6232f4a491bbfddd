package activities

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/activity"

	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/store"
)

// A batch is committed once it holds this many records or is this old, so
// a crash loses little, the cursor is heartbeated often, and a million
// records take a few dozen commits rather than thousands.
const (
	batchRecords = 50_000
	batchAge     = time.Second
)

// tracer is the global provider's: a no-op until telemetry is set up.
var tracer = otel.Tracer("github.com/settleflow/settleflow/activities")

// PullSlice pulls one time slice of a source's period into staging. One
// goroutine fetches and decodes the next page while the previous ones are
// COPYed; pages are committed in batches and after each commit the cursor
// is heartbeated, so a retried attempt resumes after the last committed
// page. A page fetched again is absorbed when the pull finishes.
func (a *Activities) PullSlice(ctx context.Context, in SliceInput) (SliceProgress, error) {
	src, adapter, err := a.openSource(in.Scope, in.Source)
	if err != nil {
		return SliceProgress{}, err
	}
	p := SliceProgress{Total: -1}
	if activity.IsActivity(ctx) && activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &p); err != nil {
			return p, fmt.Errorf("source %s slice %d: read heartbeat: %w", src.Name, in.Index, err)
		}
		p.Resumed = true
		a.logger().Info("resuming slice", slog.String("cycle", in.CycleID.String()), slog.String("source", src.Name),
			slog.Int("slice", in.Index), slog.String("cursor", p.Cursor), slog.Int("pages", p.Pages))
	}
	progress(ctx, p)
	s := &slice{in: in, adapter: adapter, maxPages: src.MaxPages, progress: p}
	err = s.pull(ctx, a.Store, func(p SliceProgress) { progress(ctx, p) })
	return s.progress, err
}

// slice is one run of PullSlice.
type slice struct {
	in       SliceInput
	adapter  source.Adapter
	maxPages int
	progress SliceProgress // as of the last committed batch
}

// fetched is a page on its way from the fetcher to the writer.
type fetched struct {
	number int
	page   source.Page
}

func (s *slice) pull(ctx context.Context, st *store.Store, committed func(SliceProgress)) error {
	if s.progress.Pages > 0 && s.progress.Cursor == "" {
		return nil // an earlier attempt committed the last page
	}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan fetched, 2)
	fetchErr := make(chan error, 1)
	go func() {
		defer close(pages)
		fetchErr <- s.fetch(fctx, pages)
	}()
	batch := store.Batch{CycleID: s.in.CycleID, Scope: s.in.Scope, Source: s.in.Source, Slice: s.in.Index}
	for done := false; !done; {
		var staged []fetched
		rows, started := 0, time.Now()
		_, err := st.StageBatch(ctx, batch, func() (*store.StagedPage, error) {
			if rows >= batchRecords || (rows > 0 && time.Since(started) > batchAge) {
				return nil, nil
			}
			f, ok, due := nextPage(pages, rows > 0, started)
			if due {
				return nil, nil // a slow page must not hold back what came before it
			}
			if !ok {
				done = true
				return nil, nil
			}
			staged = append(staged, f)
			rows += len(f.page.Records)
			return &store.StagedPage{Number: f.number, Records: f.page.Records, Rejects: f.page.Rejects}, nil
		})
		if err != nil {
			return err
		}
		if len(staged) > 0 {
			s.advance(staged)
			committed(s.progress)
		}
	}
	return <-fetchErr
}

// nextPage waits for the next fetched page. While the batch holds pages
// it waits only until the batch is due, then reports due, so they are
// committed and heartbeated while a slow page is still on its way.
func nextPage(pages <-chan fetched, holding bool, started time.Time) (f fetched, ok, due bool) {
	if !holding {
		f, ok = <-pages
		return f, ok, false
	}
	t := time.NewTimer(max(time.Until(started.Add(batchAge)), 0))
	defer t.Stop()
	select {
	case f, ok = <-pages:
		return f, ok, false
	case <-t.C:
		return fetched{}, true, true
	}
}

// advance moves the progress past committed pages.
func (s *slice) advance(pages []fetched) {
	for _, f := range pages {
		p := &s.progress
		p.Cursor = f.page.NextCursor
		p.Pages++
		p.Received += len(f.page.Records)
		p.Rejects += len(f.page.Rejects)
		p.Bytes += int64(f.page.Bytes)
		if f.page.Total >= 0 {
			p.Total = f.page.Total
		}
	}
}

// fetch follows the cursor from the last committed page and sends pages
// until the last one. A cursor already followed means the feed is going in
// circles, and a slice longer than its page limit will not end: both stop
// the pull for good, naming the cursor. On an error, the pages sent before
// it are still committed.
func (s *slice) fetch(ctx context.Context, out chan<- fetched) error {
	cursor, number := s.progress.Cursor, s.progress.Pages
	seen := map[uint64]int{}
	for {
		if number >= s.maxPages {
			return badData(fmt.Errorf("source %s slice %d: more than %d pages (cursor %q); the feed does not end",
				s.in.Source, s.in.Index, s.maxPages, cursor))
		}
		page, err := s.fetchPage(ctx, cursor, number)
		if err != nil {
			return err
		}
		select {
		case out <- fetched{number: number, page: page}:
		case <-ctx.Done():
			return ctx.Err()
		}
		if page.NextCursor == "" {
			return nil
		}
		fp := fingerprint(page.NextCursor)
		if first, again := seen[fp]; again || page.NextCursor == cursor {
			return badData(fmt.Errorf("source %s slice %d: page %d points back to cursor %q, first followed at page %d; the feed goes in circles",
				s.in.Source, s.in.Index, number, page.NextCursor, first))
		}
		seen[fp] = number + 1
		cursor, number = page.NextCursor, number+1
	}
}

// fetchPage fetches one page in a span of its own; its error names the
// source, the slice, the page and the cursor.
func (s *slice) fetchPage(ctx context.Context, cursor string, number int) (source.Page, error) {
	ctx, span := tracer.Start(ctx, "pull page", trace.WithAttributes(attribute.String("settleflow.source", s.in.Source),
		attribute.Int("settleflow.slice", s.in.Index), attribute.Int("settleflow.page", number)))
	defer span.End()
	page, err := s.adapter.FetchPage(ctx, source.PageRequest{From: s.in.From, To: s.in.To, Cursor: cursor})
	if err != nil {
		span.RecordError(err)
		return page, pullError(fmt.Sprintf("source %s slice %d/%d page %d (cursor %q)", s.in.Source, s.in.Index+1,
			s.in.Of, number, cursor), err)
	}
	span.SetAttributes(attribute.Int("settleflow.records", len(page.Records)), attribute.Int("settleflow.rejects", len(page.Rejects)))
	return page, nil
}

func fingerprint(cursor string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(cursor))
	return h.Sum64()
}

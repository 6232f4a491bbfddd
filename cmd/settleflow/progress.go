package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
)

// How often progress is shown: a line rewritten in place on a terminal can
// move often; plain lines (a log, CI) must not flood it.
const (
	progressTTYEvery   = 500 * time.Millisecond
	progressPlainEvery = 5 * time.Second
	progressReadLimit  = 3 * time.Second
	// staleAfter is when counts from heartbeats are said to be old.
	staleAfter = 2 * time.Second
)

type progressReader func(context.Context) (platform.Progress, error)

// cycleProgress reads one cycle run's progress.
func cycleProgress(c client.Client, workflowID, runID string) progressReader {
	return func(ctx context.Context) (platform.Progress, error) {
		return platform.CycleProgress(ctx, c, workflowID, runID)
	}
}

// progressWatch shows a cycle's progress until it ends, blocks or waits for
// approval, or until Stop.
type progressWatch struct {
	stop chan struct{}
	done chan struct{}
}

// watchProgress shows progress on w (stderr, so stdout stays the command's
// result): one line rewritten in place when w is a terminal, else a plain
// line every few seconds.
func watchProgress(ctx context.Context, w io.Writer, read progressReader) *progressWatch {
	every := progressPlainEvery
	tty := isTerminal(w)
	if tty {
		every = progressTTYEvery
	}
	return startProgressWatch(ctx, w, tty, every, read)
}

func startProgressWatch(ctx context.Context, w io.Writer, tty bool, every time.Duration, read progressReader) *progressWatch {
	pw := &progressWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go pw.run(ctx, &progressLine{w: w, tty: tty}, every, read)
	return pw
}

// Stop shows the progress once more (so the last line is the final state)
// and returns when the watch has stopped. It may be called more than once.
func (pw *progressWatch) Stop() {
	select {
	case <-pw.stop:
	default:
		close(pw.stop)
	}
	<-pw.done
}

func (pw *progressWatch) run(ctx context.Context, out *progressLine, every time.Duration, read progressReader) {
	defer close(pw.done)
	defer out.end()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if p, ok := readProgress(ctx, read); ok {
			out.show(renderProgress(p))
			if progressEnded(p.Status) {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-pw.stop:
			if p, ok := readProgress(ctx, read); ok {
				out.show(renderProgress(p))
			}
			return
		case <-tick.C:
		}
	}
}

// readProgress reads with a time limit of its own, so a cluster that is
// slow to answer delays one line, not the command. A failed read shows
// nothing: the next one may succeed, and the command reports real errors.
func readProgress(ctx context.Context, read progressReader) (platform.Progress, bool) {
	rctx, cancel := context.WithTimeout(ctx, progressReadLimit)
	defer cancel()
	p, err := read(rctx)
	return p, err == nil
}

// progressEnded says whether the cycle has stopped moving by itself.
func progressEnded(status string) bool {
	switch status {
	case lifecycle.StatusCompleted, lifecycle.StatusCompensated, lifecycle.StatusBlocked, lifecycle.StatusAwaitingApproval:
		return true
	}
	return false
}

// progressLine writes progress lines, in place on a terminal.
type progressLine struct {
	w     io.Writer
	tty   bool
	shown bool
	last  string
}

func (l *progressLine) show(line string) {
	if l.tty {
		// Carriage return and erase-line, so a shorter line leaves no tail.
		fmt.Fprint(l.w, "\r\033[2K"+line)
	} else if line != l.last {
		fmt.Fprintln(l.w, line)
	}
	l.shown, l.last = true, line
}

// end leaves the last line on a terminal in place and moves below it.
func (l *progressLine) end() {
	if l.tty && l.shown {
		fmt.Fprintln(l.w)
	}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// renderProgress renders progress as one short line, e.g.
// "pull [2/8] · 412,300 of 1,000,000 records · 5 pages/s · 95,000 rec/s · 4.3 s".
func renderProgress(p platform.Progress) string {
	parts := []string{progressHead(p)}
	switch {
	case p.Status == lifecycle.StatusBlocked:
		parts = append(parts, "BLOCKED: "+truncate(p.Blocked, 60))
	case p.Status == lifecycle.StatusAwaitingApproval:
		parts = append(parts, "awaiting approval")
	case p.Step == lifecycle.StepPull:
		parts = append(parts, pullParts(p)...)
	case p.Pull.Pulled() > 0:
		parts = append(parts, groupDigits(int64(p.Pull.Pulled()))+" records pulled")
	}
	return strings.Join(append(parts, seconds(p.Elapsed)), " · ")
}

// progressHead names the step and its place, or the cycle's status
// between and after steps.
func progressHead(p platform.Progress) string {
	if p.Step == "" {
		return fmt.Sprintf("%s [%d/%d]", p.Status, p.StepsDone, p.Steps)
	}
	return fmt.Sprintf("%s [%d/%d]", p.Step, p.StepsDone+1, p.Steps)
}

func pullParts(p platform.Progress) []string {
	pull := p.Pull
	records := groupDigits(int64(pull.Pulled()))
	if pull.Total >= 0 {
		records += " of " + groupDigits(pull.Total)
	}
	parts := []string{records + " records"}
	if pull.Staged != pull.Received {
		parts = append(parts, groupDigits(int64(pull.Staged))+" staged")
	}
	if pull.Slices > 0 {
		parts = append(parts, fmt.Sprintf("slices %d/%d", pull.SlicesDone, pull.Slices))
	}
	// Counts in flight are as of the last heartbeat that reached the
	// server; rates run to then, so they do not sag while it lags.
	elapsed := p.StepElapsed
	if !pull.NewestBeat.IsZero() {
		elapsed -= max(p.At.Sub(pull.NewestBeat), 0)
	}
	if secs := elapsed.Seconds(); secs > 0 && pull.Pages > 0 {
		parts = append(parts, rate(float64(pull.Pages)/secs)+" pages/s",
			groupDigits(int64(float64(pull.Pulled())/secs))+" rec/s")
	}
	if age := p.At.Sub(pull.OldestBeat); !pull.OldestBeat.IsZero() && age >= staleAfter {
		parts = append(parts, "as of "+seconds(age)+" ago")
	}
	if len(p.Sources) > 1 {
		parts = append(parts, perSource(p.Sources))
	}
	return parts
}

func perSource(sources []platform.SourceProgress) string {
	each := make([]string, len(sources))
	for i, s := range sources {
		each[i] = s.Source + " " + groupDigits(int64(s.Pulled()))
		if s.Total >= 0 {
			each[i] += "/" + groupDigits(s.Total)
		}
	}
	return strings.Join(each, ", ")
}

func rate(perSecond float64) string {
	if perSecond < 10 {
		return fmt.Sprintf("%.1f", perSecond)
	}
	return groupDigits(int64(perSecond + 0.5))
}

// seconds shows an elapsed time in seconds to a tenth, or in minutes and
// seconds once it is long.
func seconds(d time.Duration) string {
	if d < 100*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// groupDigits writes n with thousands separators: 1,000,000.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

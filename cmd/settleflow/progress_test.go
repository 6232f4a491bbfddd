package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
)

func TestRenderProgress(t *testing.T) {
	pulling := platform.Progress{Status: lifecycle.StatusRunning, Step: lifecycle.StepPull, StepsDone: 1, Steps: 8,
		Elapsed: 4300 * time.Millisecond, StepElapsed: 4 * time.Second,
		Pull: platform.SourceProgress{Pages: 20, Received: 380000, Staged: 380000, Total: 1_000_000}}
	unknownTotal := pulling
	unknownTotal.Pull.Total, unknownTotal.Pull.Staged = -1, 379500
	sliced := pulling
	sliced.Pull.Slices, sliced.Pull.SlicesDone = 8, 3
	sliced.Sources = []platform.SourceProgress{{Source: "aggregator", Received: 300000, Total: 600000}, {Source: "wallet", Received: 80000, Total: -1}}
	// Today's pull: one heartbeat 3 s ago, after 2 s of pulling.
	lagging := unknownTotal
	lagging.At = time.Unix(1000, 0)
	lagging.StepElapsed = 5 * time.Second
	lagging.Pull.OldestBeat, lagging.Pull.NewestBeat = lagging.At.Add(-3*time.Second), lagging.At.Add(-3*time.Second)
	lagging.Pull.Pages, lagging.Pull.Received, lagging.Pull.Staged = 2, 1000, 1000
	tests := []struct {
		name string
		p    platform.Progress
		want string
	}{
		{"pull with a known total", pulling, "pull [2/8] · 380,000 of 1,000,000 records · 5.0 pages/s · 95,000 rec/s · 4.3 s"},
		{"pull without a total, duplicates dropped", unknownTotal,
			"pull [2/8] · 380,000 records · 379,500 staged · 5.0 pages/s · 95,000 rec/s · 4.3 s"},
		{"heartbeats lagging", lagging, "pull [2/8] · 1,000 records · 1.0 pages/s · 500 rec/s · as of 3.0 s ago · 4.3 s"},
		{"sliced pull of two sources", sliced, "pull [2/8] · 380,000 of 1,000,000 records · slices 3/8 · 5.0 pages/s · " +
			"95,000 rec/s · aggregator 300,000/600,000, wallet 80,000 · 4.3 s"},
		{"a later step", platform.Progress{Status: lifecycle.StatusRunning, Step: lifecycle.StepValidate, StepsDone: 2, Steps: 8,
			Elapsed: 125 * time.Second, Pull: platform.SourceProgress{Received: 1_000_000, Total: -1}},
			"validate [3/8] · 1,000,000 records pulled · 2m5s"},
		{"blocked", platform.Progress{Status: lifecycle.StatusBlocked, Step: lifecycle.StepPull, StepsDone: 1, Steps: 8,
			Blocked: "source aggregator: 503 Service Unavailable", Elapsed: 12 * time.Second},
			"pull [2/8] · BLOCKED: source aggregator: 503 Service Unavailable · 12.0 s"},
		{"awaiting approval", platform.Progress{Status: lifecycle.StatusAwaitingApproval, Step: lifecycle.StepApprove,
			StepsDone: 4, Steps: 8, Elapsed: time.Second}, "approve [5/8] · awaiting approval · 1.0 s"},
		{"completed", platform.Progress{Status: lifecycle.StatusCompleted, StepsDone: 8, Steps: 8, Elapsed: 6100 * time.Millisecond,
			Pull: platform.SourceProgress{Received: 50012, Staged: 50012, Total: -1}}, "completed [8/8] · 50,012 records pulled · 6.1 s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderProgress(tt.p); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 95000: "95,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}

// syncBuffer lets the watch goroutine write while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fakeCycle moves one step per read and completes at the third; a read may
// fail on the way.
func fakeCycle(failSecond bool) progressReader {
	var mu sync.Mutex
	reads := 0
	steps := []string{lifecycle.StepOpen, lifecycle.StepPull, ""}
	return func(context.Context) (platform.Progress, error) {
		mu.Lock()
		defer mu.Unlock()
		reads++
		if failSecond && reads == 2 {
			return platform.Progress{}, errors.New("query timed out")
		}
		i := min(reads-1, 2)
		p := platform.Progress{Status: lifecycle.StatusRunning, Step: steps[i], StepsDone: i, Steps: 2, Pull: platform.SourceProgress{Total: -1}}
		if i == 2 {
			p.Status = lifecycle.StatusCompleted
		}
		return p, nil
	}
}

func TestProgressPlainLinesStopWhenTheCycleEnds(t *testing.T) {
	var out syncBuffer
	pw := startProgressWatch(context.Background(), &out, false, 5*time.Millisecond, fakeCycle(true))
	select {
	case <-pw.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the watch did not stop when the cycle completed")
	}
	pw.Stop() // after the end: returns at once
	// The failed read shows nothing; the pull was over by the next.
	want := "open [1/2] · 0.0 s\ncompleted [2/2] · 0.0 s\n"
	if got := out.String(); got != want {
		t.Errorf("plain output\n%q\nwant\n%q", got, want)
	}
}

func TestProgressOnATerminalRewritesOneLine(t *testing.T) {
	var out syncBuffer
	pw := startProgressWatch(context.Background(), &out, true, 5*time.Millisecond, fakeCycle(false))
	<-pw.done
	got := out.String()
	if strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "\r\033[2Kcompleted [2/2] · 0.0 s\n") {
		t.Errorf("terminal output %q: want lines rewritten in place, the final one kept", got)
	}
	if strings.Count(got, "\r\033[2K") != 3 {
		t.Errorf("terminal output %q: want three rewrites", got)
	}
}

func TestProgressStopShowsTheLastState(t *testing.T) {
	var out syncBuffer
	read := func(context.Context) (platform.Progress, error) {
		return platform.Progress{Status: lifecycle.StatusRunning, Step: lifecycle.StepPull, StepsDone: 1, Steps: 8,
			Pull: platform.SourceProgress{Total: -1}}, nil
	}
	pw := startProgressWatch(context.Background(), &out, false, time.Hour, read)
	pw.Stop()
	pw.Stop()
	if got := out.String(); got != "pull [2/8] · 0 records · 0.0 s\n" {
		t.Errorf("output %q: want the one line, not repeated at Stop", got)
	}
}

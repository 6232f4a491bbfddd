package server

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chrome drives headless Chromium through one scenario and keeps a
// screenshot of every step in the test artifacts directory.
type chrome struct {
	t     *testing.T
	ctx   context.Context
	shots string
	n     int
	mu    sync.Mutex
	// problems are what the page's console reported: script errors and
	// Content-Security-Policy violations, which fail the test.
	problems []string
}

// chromiumPath finds Debian's chromium (make chromium installs it).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("SETTLEFLOW_CHROMIUM"), "chromium", "chromium-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is not installed: run `make chromium` (apt-get install chromium), or set SETTLEFLOW_CHROMIUM")
	return ""
}

// artifacts is the directory screenshots go to: SETTLEFLOW_TEST_ARTIFACTS,
// else test-artifacts/<name> at the module root (ignored by git).
func artifacts(t *testing.T, name string) string {
	t.Helper()
	root := os.Getenv("SETTLEFLOW_TEST_ARTIFACTS")
	if root == "" {
		dir, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		for ; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				break
			}
			if dir == filepath.Dir(dir) {
				t.Fatal("no go.mod above the test's directory")
			}
		}
		root = filepath.Join(dir, "test-artifacts")
	}
	out := filepath.Join(root, name)
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}

func newBrowser(t *testing.T) *chrome {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000))
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	b := &chrome{t: t, ctx: ctx, shots: artifacts(t, t.Name())}
	t.Logf("screenshots in %s", b.shots)
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	go collect(b, chromedp.Events(ctx, log.EntryAdded), func(e log.EventEntryAdded) string {
		// Error answers (a refused action is a 409) are the server's to
		// give; what counts is the page's own errors and CSP violations.
		if e.Entry.Level != log.EntryLevelError || e.Entry.Source == log.EntrySourceNetwork {
			return ""
		}
		return e.Entry.Text
	})
	go collect(b, chromedp.Events(ctx, runtime.ExceptionThrown), func(e runtime.EventExceptionThrown) string {
		return e.ExceptionDetails.Text
	})
	return b
}

// collect keeps the non-empty messages of a stream of console events.
func collect[E any](b *chrome, events iter.Seq2[E, error], msg func(E) string) {
	for e, err := range events {
		if err != nil {
			return // the chrome is gone
		}
		if m := msg(e); m != "" {
			b.mu.Lock()
			b.problems = append(b.problems, m)
			b.mu.Unlock()
		}
	}
}

// do runs steps within a minute; on failure it keeps a screenshot of where
// the page was.
func (b *chrome) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.shot("failed-" + what)
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("timed out: %w", err)
		}
		b.t.Fatalf("%s: %v", what, err)
	}
}

// text returns the text of the first element sel matches.
func (b *chrome) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.shot("failed-text")
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// shot saves a full-page screenshot as NN-name.png.
func (b *chrome) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	b.n++
	path := filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.n, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
	}
}

// checkConsole fails the test for anything the pages reported.
func (b *chrome) checkConsole() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.problems) > 0 {
		b.t.Errorf("the console reported:\n%s", strings.Join(b.problems, "\n"))
	}
}

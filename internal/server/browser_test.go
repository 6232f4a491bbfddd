package server

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/settleflow/settleflow/internal/statement"
	"github.com/settleflow/settleflow/internal/testenv"
)

// The console in headless Chromium: oscar logs in with his token, sees the
// blocked cycle alice started, retries it with a reason; the page follows
// the cycle live to the approval gate; alice's approval is refused (four
// eyes), bob's is accepted; bob downloads the statement, checks its hash
// and verifies the files. The pages report no script error or CSP
// violation.
func TestConsoleInABrowser(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.RigOptions{ScopeYAML: testenv.DemoScopeYAML(t, "required: false", "required: true"), Sim: smallFeed()})
	h.broken.Store(true)
	h.want(h.call(alice, http.MethodPost, "/api/v1/cycles", map[string]any{"scope": testenv.DemoScope, "period": "2026-11-01"}),
		http.StatusCreated, "alice starts the cycle")
	h.waitStatus(cycleAPI, "blocked")

	b := newBrowser(t)
	page := h.url + "/cycles/" + testenv.DemoScope + "/2026-11-01"
	b.login(h, oscar)
	if q := b.text("#queue"); !strings.Contains(q, "settle/demo-casino/2026-11-01") || !strings.Contains(q, "blocked") {
		t.Fatalf("the blocked cycle is not in the queue: %q", q)
	}
	b.shot("blocked-queue")
	b.do("open the blocked cycle", chromedp.Click(chromedp.CSS("#queue a")), chromedp.WaitVisible(chromedp.CSS("#blocked")))
	b.shot("blocked-cycle")

	h.broken.Store(false) // the partner restored the token
	b.act("retry", "the partner restored our token")
	if f := b.text("#flash"); !strings.Contains(f, "retry accepted") {
		t.Errorf("after retry: %q", f)
	}
	// The page follows the cycle live until it waits for approval.
	b.do("follow the cycle to the approval gate", chromedp.WaitVisible(chromedp.CSS("#approval")))
	b.shot("awaiting-approval")

	b.logout()
	b.login(h, alice)
	b.do("open the cycle", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#actions")))
	b.act("approve", "looks right to me")
	if e := b.text("#error"); !strings.Contains(e, "four eyes") {
		t.Errorf("alice's own approval: %q", e)
	}
	b.shot("four-eyes-refused")

	b.logout()
	b.login(h, bob)
	b.do("open the cycle", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#actions")))
	b.act("approve", "totals match the provider's report")
	b.do("follow the cycle to completion", chromedp.WaitVisible(chromedp.CSS("h1 .status-completed")))
	if acts := b.text("#actions-taken"); !strings.Contains(acts, "oscar") || !strings.Contains(acts, "bob") || strings.Contains(acts, "alice") {
		t.Errorf("actions on record: %q", acts)
	}
	b.shot("completed")

	b.checkStatement(h)
	b.do("charts", chromedp.Navigate(h.url+"/charts"), chromedp.WaitVisible(chromedp.CSS("#charts svg")))
	b.shot("charts")
	b.do("quarantine", chromedp.Navigate(h.url+"/quarantine"), chromedp.Click(chromedp.CSS("#records a")),
		chromedp.WaitVisible(chromedp.CSS("#raw")))
	b.shot("quarantined-record")
	b.checkConsole()
}

// login logs in on the login page with the identity's token.
func (b *chrome) login(h *harness, as string) {
	b.t.Helper()
	b.do("log in as "+as, chromedp.Navigate(h.url+"/cycles"), chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), h.tokens[as]), chromedp.Submit(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("#me")))
	if me := b.text("#me"); me != as {
		b.t.Fatalf("logged in as %q, want %s", me, as)
	}
}

func (b *chrome) logout() {
	b.t.Helper()
	b.do("log out", chromedp.Click(chromedp.CSS("#logout")), chromedp.WaitVisible(chromedp.CSS("#token")))
}

// act opens an action on the cycle's page, gives the reason and submits;
// the answer shows a message or an error.
func (b *chrome) act(action, reason string) {
	b.t.Helper()
	form := "#form-" + action
	b.do(action+" with a reason",
		chromedp.Click(chromedp.CSS("details:has("+form+") > summary")),
		chromedp.WaitVisible(chromedp.CSS(form+" textarea")),
		chromedp.SendKeys(chromedp.CSS(form+" textarea"), reason))
	b.shot(action + "-reason")
	b.do("submit "+action, chromedp.Submit(chromedp.CSS(form)), chromedp.WaitVisible(chromedp.CSS("#flash, #error")))
}

// checkStatement downloads the statement's JSON and CSV, checks that they
// hash to the hash the page shows, and has the console verify them.
func (b *chrome) checkStatement(h *harness) {
	b.t.Helper()
	b.do("open the statement", chromedp.Navigate(h.url+"/statements"), chromedp.Click(chromedp.CSS("#statements a")),
		chromedp.WaitVisible(chromedp.CSS("#check")))
	if c := b.text("#check"); !strings.Contains(c, "Verified") {
		b.t.Errorf("stored statement: %q", c)
	}
	b.shot("statement")
	dir := b.t.TempDir()
	js, csv := b.download(dir, "#download-json"), b.download(dir, "#download-csv")
	if got, want := statement.Hash(js, string(csv)), b.text("#sha256"); got != want {
		b.t.Errorf("downloaded files hash to %s, the page says %s", got, want)
	}
	jsPath, csvPath := filepath.Join(dir, "statement.json"), filepath.Join(dir, "statement.csv")
	for path, data := range map[string][]byte{jsPath: js, csvPath: csv} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.do("verify the downloaded files",
		chromedp.SetUploadFiles(chromedp.CSS("#verify-files input[name=json]"), []string{jsPath}),
		chromedp.SetUploadFiles(chromedp.CSS("#verify-files input[name=csv]"), []string{csvPath}),
		chromedp.Submit(chromedp.CSS("#verify-files")), chromedp.WaitVisible(chromedp.CSS("#check")))
	if c := b.text("#check"); !strings.Contains(c, "Verified") || !strings.Contains(c, "files uploaded") {
		b.t.Errorf("uploaded files: %q", c)
	}
	b.shot("statement-files-verified")
}

// download clicks a download link and returns the file's bytes.
func (b *chrome) download(dir, link string) []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	yes := true
	if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes}); err != nil {
		b.t.Fatalf("allow downloads: %v", err)
	}
	b.do("click "+link, chromedp.Click(chromedp.CSS(link)))
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("download %s: %v", link, err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				b.t.Fatal(err)
			}
			return data
		}
	}
	b.t.Fatalf("download %s never completed", link)
	return nil
}

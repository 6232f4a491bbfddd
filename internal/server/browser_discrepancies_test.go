package server

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Discrepancies in headless Chromium: oscar opens a reconciled cycle,
// resolves its most urgent break from the cycle page with a reason, and
// follows the link to the filtered list. The pages report no script error
// or CSP violation.
func TestResolveABreakInABrowser(t *testing.T) {
	t.Parallel()
	h, c, _ := breaksRig(t)
	b := newBrowser(t)
	b.login(h, oscar)
	b.do("open the cycle", chromedp.Navigate(h.url+"/cycles/"+c.Scope+"/"+c.PeriodKey), chromedp.WaitVisible(chromedp.CSS("#discrepancies")))
	if got := b.text("#recon-counts"); !strings.Contains(got, "games") || !strings.Contains(got, "10") {
		t.Errorf("counts: %q", got)
	}
	b.shot("cycle-discrepancies")
	form := "#breaks form.resolve"
	b.do("resolve the most urgent break",
		chromedp.SendKeys(chromedp.CSS(form+" input[name=reason]"), "checked against the wallet's report"),
		chromedp.Submit(chromedp.CSS(form)), chromedp.WaitVisible(chromedp.CSS("#flash, #error")))
	if f := b.text("#flash"); !strings.Contains(f, "accepted by oscar") {
		t.Errorf("after resolving: %q", f)
	}
	b.shot("resolved")
	b.do("open the list", chromedp.Navigate(h.url+"/cycles/"+c.Scope+"/"+c.PeriodKey), chromedp.WaitVisible(chromedp.CSS("#all-breaks")),
		chromedp.Click(chromedp.CSS("#all-breaks")), chromedp.WaitVisible(chromedp.CSS("#filters")))
	if n := strings.Count(b.text("#breaks"), "open"); n != 9 {
		t.Errorf("%d open breaks listed after one was resolved, want 9", n)
	}
	b.shot("open-breaks")
	b.checkConsole()
}

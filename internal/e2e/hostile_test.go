package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/testenv"
)

// hostileFeed is a simulated period of about ten pages pulled as one slice,
// so requests come in page order.
func hostileFeed() sim.ProviderConfig {
	cfg := sim.DefaultProviderConfig()
	cfg.RoundsPerDay = 3000
	return cfg
}

// A feed whose cursor leads back to a page already followed, or to the
// page itself, would be pulled forever. The pull stops at the first repeat
// with an error naming the cursor, and does not retry it: the cycle blocks
// at once, after exactly the pages it took to see the loop.
func TestHostileCursorsStopThePull(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		rewrite func(t *testing.T, cursors *[]string) pageRewrite
		pages   int64 // served before the loop shows
		want    string
	}{
		{name: "backwards", pages: 3, want: "page 2 points back to cursor",
			rewrite: func(t *testing.T, cursors *[]string) pageRewrite {
				return func(n int, cursor string, body []byte) []byte {
					*cursors = append(*cursors, cursor)
					if n == 3 { // the third page points back to the second
						return withNextCursor(t, body, (*cursors)[1])
					}
					return body
				}
			}},
		{name: "repeating", pages: 2, want: "page 1 points back to cursor",
			rewrite: func(t *testing.T, cursors *[]string) pageRewrite {
				return func(n int, cursor string, body []byte) []byte {
					*cursors = append(*cursors, cursor)
					if n == 2 { // the second page points at itself
						return withNextCursor(t, body, cursor)
					}
					return body
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var cursors []string
			e := newEnv(t, envOptions{sim: hostileFeed(), slices: 1, feed: rewriting(tc.rewrite(t, &cursors))})
			started := e.startCycle(testTuning)
			st := e.waitBlocked(started)
			if st.Blocked.Step != lifecycle.StepPull || !strings.Contains(st.Blocked.Error, tc.want) ||
				!strings.Contains(st.Blocked.Error, cursors[1]) || !strings.Contains(st.Blocked.Error, "goes in circles") {
				t.Errorf("blocked at %s: %s; want %q naming cursor %q", st.Blocked.Step, st.Blocked.Error, tc.want, cursors[1])
			}
			if got := e.sim.Stats().Pages; got != tc.pages {
				t.Errorf("the feed served %d pages; a pull that stops at the loop, unretried, takes %d", got, tc.pages)
			}
		})
	}
}

// A feed that never ends — every page with a fresh cursor — stops at the
// source's max_pages, naming the cursor it would have followed next.
func TestEndlessFeedStopsAtMaxPages(t *testing.T) {
	t.Parallel()
	scope := testenv.DemoScopeYAML(t, "    page_size: 500", "    page_size: 500\n    max_pages: 4")
	e := newEnv(t, envOptions{sim: hostileFeed(), slices: 1, scopeYAML: scope})
	started := e.startCycle(testTuning)
	st := e.waitBlocked(started)
	if !strings.Contains(st.Blocked.Error, "more than 4 pages") || !strings.Contains(st.Blocked.Error, `(cursor "`) {
		t.Errorf("blocked: %s", st.Blocked.Error)
	}
	if got := e.sim.Stats().Pages; got != 4 {
		t.Errorf("the feed served %d pages, want the 4 allowed, unretried", got)
	}
}

// A partner that stops answering fails the request after the source's
// header timeout, and the cycle blocks with an error naming the source, the
// page, its cursor and what timed out — not an anonymous heartbeat timeout.
func TestSlowPartnerIsNamed(t *testing.T) {
	t.Parallel()
	scope := testenv.DemoScopeYAML(t, "    page_size: 500", "    page_size: 500\n    requests: {attempts: 1, header_timeout: 1s, timeout: 5s}")
	stall := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("cursor") != "" { // every page after the first
				select {
				case <-r.Context().Done():
				case <-time.After(time.Minute):
				}
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	e := newEnv(t, envOptions{sim: hostileFeed(), slices: 1, scopeYAML: scope, feed: stall})
	tuning := testTuning
	tuning.MaxAttempts = 2
	started := e.startCycle(tuning)
	st := e.waitBlocked(started)
	for _, want := range []string{"source aggregator slice 1/1 page 1 (cursor ", "no response headers within 1s"} {
		if !strings.Contains(st.Blocked.Error, want) {
			t.Errorf("blocked with %q; want it to say %q", st.Blocked.Error, want)
		}
	}
	if strings.Contains(st.Blocked.Error, "Heartbeat") {
		t.Errorf("the error blames the heartbeat: %s", st.Blocked.Error)
	}
}

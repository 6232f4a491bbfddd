package e2e

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/settleflow/settleflow/internal/sim"
)

// updateGolden rewrites testdata/golden-summary.json from this code.
var updateGolden = flag.Bool("update-golden", false, "rewrite the pipeline's golden summary")

// goldenFeed is one simulated feed whose settlement is pinned. Slices is
// how many slices the period is pulled in: a feed with a duplicated page
// is pulled as one, so the simulator re-sends the same page every time.
type goldenFeed struct {
	Name     string
	PageSize int
	Slices   int
	Sim      sim.ProviderConfig
}

// goldenFeeds cover the demo's shape, a feed with many invalid records on
// odd page boundaries, and a larger day on the largest page.
func goldenFeeds() []goldenFeed {
	demo := sim.DefaultProviderConfig()
	demo.RoundsPerDay, demo.Faults.InvalidEvery, demo.Faults.DuplicatePage = 5000, 250, 2
	noisy := sim.DefaultProviderConfig()
	noisy.Seed, noisy.Faults.InvalidEvery = 13, 40
	large := sim.DefaultProviderConfig()
	large.Seed, large.RoundsPerDay, large.Players, large.Faults.InvalidEvery = 99, 20000, 1000, 1000
	return []goldenFeed{
		{Name: "demo", PageSize: 500, Slices: 1, Sim: demo},
		{Name: "noisy", PageSize: 137, Slices: 3, Sim: noisy},
		{Name: "large", PageSize: 5000, Slices: 4, Sim: large},
	}
}

// TestPipelineGoldenSummary settles each golden feed and requires the result
// to equal, record for record and minor unit for minor unit, the summary
// the pipeline produced before it was rebuilt for scale.
func TestPipelineGoldenSummary(t *testing.T) {
	t.Parallel()
	path := filepath.Join("testdata", "golden-summary.json")
	got := map[string]pipelineSummary{}
	for _, f := range goldenFeeds() {
		e := newEnv(t, envOptions{sim: f.Sim, pageSize: f.PageSize, slices: f.Slices})
		_, res := e.completeCycle(testTuning)
		got[f.Name] = e.summarize(res)
	}
	if *updateGolden {
		data, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]pipelineSummary
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		g := got[name]
		gj, _ := json.MarshalIndent(g, "", "  ")
		wj, _ := json.MarshalIndent(w, "", "  ")
		if string(gj) != string(wj) {
			t.Errorf("feed %s settled differently from before:\n got %s\nwant %s", name, gj, wj)
		}
	}
}

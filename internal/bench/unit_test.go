package bench

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/catalog"
)

func TestParseStat(t *testing.T) {
	// A command name may hold spaces and parentheses.
	line := "4242 (my (odd) proc) S 1 4242 4242 0 -1 4194560 500 0 0 0 250 75 0 0 20 0 3 0 987654 1000 100 18446744073709551615"
	st, err := parseStat(4242, []byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if st.ticks != 325 || st.key != (procKey{pid: 4242, start: 987654}) {
		t.Errorf("parsed %+v, want 325 ticks and start 987654", st)
	}
	if _, err := parseStat(1, []byte("1 (x) S 1 2")); err == nil {
		t.Error("a short stat line parsed")
	}
}

func TestParseHWM(t *testing.T) {
	n, err := parseHWM([]byte("Name:\tworker\nVmPeak:\t  900 kB\nVmHWM:\t   46336 kB\nVmRSS:\t 40000 kB\n"))
	if err != nil || n != 46336*1024 {
		t.Errorf("VmHWM %d, %v; want %d", n, err, 46336*1024)
	}
	if _, err := parseHWM([]byte("Name:\tx\n")); err == nil {
		t.Error("no VmHWM line, no error")
	}
}

// CPU between two samples goes to the steps running then, in proportion to
// how much of the interval each ran; the rest is between steps; nothing is
// lost.
func TestAttributeSplitsCPUByOverlap(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	samples := []sample{
		{at: at(0), cpu: map[string]float64{}},
		{at: at(1000), cpu: map[string]float64{"worker": 1.0}},
		{at: at(2000), cpu: map[string]float64{"worker": 1.5, "postgres:bench_database": 2.0}},
	}
	spans := []span{{name: "open", from: at(0), to: at(500)}, {name: "pull", from: at(750), to: at(2000)}}
	per, outside := attribute(samples, spans)
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if !near(per[0]["worker"], 0.5) || !near(per[1]["worker"], 0.25+0.5) || !near(per[1]["postgres:bench_database"], 2.0) {
		t.Errorf("per step %v", per)
	}
	if !near(outside["worker"], 0.25) {
		t.Errorf("between steps %v, want worker 0.25", outside)
	}
	byGroup, pg := totals(samples[2].cpu)
	if byGroup["postgres"] != 2.0 || pg["bench_database"] != 2.0 || byGroup["worker"] != 1.5 {
		t.Errorf("totals %v, postgres %v", byGroup, pg)
	}
}

func TestCheckKindsNamesTheKindsThatExist(t *testing.T) {
	if err := checkKinds([]string{"provider", "wallet", "psp", "traffic", "fx"}); err != nil {
		t.Fatal(err)
	}
	for _, asked := range [][]string{{"ledger"}, {"provider", "bank"}, nil} {
		err := checkKinds(asked)
		if err == nil || !strings.Contains(err.Error(), "kinds that exist: provider, wallet, psp, traffic, fx") {
			t.Errorf("kinds %v: error %v, want one naming the kinds that exist", asked, err)
		}
	}
	if err := checkKinds([]string{"provider", "provider"}); err == nil {
		t.Error("a kind asked twice was accepted")
	}
}

// The written config loads: a daily UTC scope, cut-off 00:00, a source per
// kind, no approval gate.
func TestWriteConfigLoads(t *testing.T) {
	dir := t.TempDir()
	if err := writeConfig(dir, []string{"provider"}, 2000); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := cat.Scope(scopeName)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sc.Calendar.Parse("2026-11-01")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC); !p.Start.Equal(want) || p.End.Sub(p.Start) != 24*time.Hour {
		t.Errorf("period %v–%v, want the UTC day from %v", p.Start, p.End, want)
	}
	if len(sc.Sources) != 1 || sc.Sources[0].Name != "provider" || sc.Sources[0].PageSize != 2000 || sc.Sources[0].Partner != partner {
		t.Errorf("sources %+v", sc.Sources)
	}
	if sc.Approval.Required || sc.Approval.NewAgreementVersion || sc.Approval.RejectsAbove != nil || len(sc.Approval.AmountAbove) > 0 {
		t.Errorf("approval %+v: the bench's cycle must not wait for approval", sc.Approval)
	}
}

func TestRoundsPerSource(t *testing.T) {
	if got := roundsPerSource(1_000_000, 1); got != 704226 {
		t.Errorf("1M records from one source: %d rounds", got)
	}
	if got := roundsPerSource(1, 3); got != 1 {
		t.Errorf("tiny bench: %d rounds, want at least 1", got)
	}
}

func TestRoundedKeepsMilliseconds(t *testing.T) {
	r := Result{WallSeconds: 3.98907643, CPUSeconds: 4.2299999999999995, CPUBreakdown: map[string]float64{"worker": 1.0329378766},
		Steps: []StepResult{{Name: "pull", CPUSeconds: 3.2256531714, CPUBreakdown: map[string]float64{"postgres": 1.86984275}}}}
	got := r.rounded()
	if got.WallSeconds != 3.989 || got.CPUSeconds != 4.23 || got.CPUBreakdown["worker"] != 1.033 ||
		got.Steps[0].CPUSeconds != 3.226 || got.Steps[0].CPUBreakdown["postgres"] != 1.87 {
		t.Errorf("rounded %+v", got)
	}
	if r.Steps[0].CPUSeconds != 3.2256531714 {
		t.Error("rounding changed the original's steps")
	}
}

// Each kind's simulator is sized by the flag that drives its feed.
func TestSimulatorSize(t *testing.T) {
	for kind, want := range map[string]string{
		"provider": "--rounds-per-day 140846", "wallet": "--rounds-per-day 140846",
		"psp":     "--rounds-per-day 1 --deposits-per-day 166666 --withdrawals-per-day 33333",
		"traffic": "--rounds-per-day 1 --clicks-per-day 200000", "fx": "--rounds-per-day 1",
	} {
		if got := strings.Join(simulatorSize(kind, 1_000_000, 5), " "); got != want {
			t.Errorf("%s: %s, want %s", kind, got, want)
		}
	}
}

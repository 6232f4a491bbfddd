package bench

import (
	"math"
	"runtime"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/workflows"
)

// Result is what a bench run measured. CPU is in seconds of user + system
// time; the breakdowns are by process group (worker, simulator, postgres,
// temporal when the bench started it) and, for Postgres, by what each
// process serves.
type Result struct {
	Records               int64              `json:"records"` // pulled, valid or not
	RecordsStaged         int64              `json:"records_staged"`
	RecordsAsked          int                `json:"records_asked"`
	WallSeconds           float64            `json:"wall_seconds"` // cycle start to completion
	CPUSeconds            float64            `json:"cpu_seconds"`
	CPUBreakdown          map[string]float64 `json:"cpu_breakdown_seconds"`
	PostgresCPUBreakdown  map[string]float64 `json:"postgres_cpu_breakdown_seconds,omitempty"`
	CopySeconds           float64            `json:"copy_seconds"`
	CopySecondsNoIndex    float64            `json:"copy_seconds_no_index"`
	CopyRows              int64              `json:"copy_rows"`
	CopyFileBytes         int64              `json:"copy_file_bytes"`
	RatioToCopy           float64            `json:"ratio_to_copy"`
	RecordsPerSecond      float64            `json:"records_per_second"`
	WorkerPeakRSSBytes    int64              `json:"worker_peak_rss_bytes"`
	SimulatorPeakRSSBytes int64              `json:"simulator_peak_rss_bytes"`
	HistoryEvents         int                `json:"history_events"`      // the cycle workflow's
	PullHistoryEvents     map[string]int     `json:"pull_history_events"` // each source's pull workflow's
	StagingBytes          int64              `json:"staging_bytes"`
	StagingBytesPerRecord float64            `json:"staging_bytes_per_record"`
	// CopyBytesPerRecord is the indexed COPY table's size per row, so the
	// staging target (at most 1.2x it) is checked in the same run.
	CopyBytesPerRecord float64      `json:"copy_bytes_per_record"`
	Steps              []StepResult `json:"steps"`
	// BetweenStepsCPU is CPU no step covers: starting the workflow and the
	// workflow tasks between steps.
	BetweenStepsCPU map[string]float64 `json:"between_steps_cpu_seconds"`
	Run             RunInfo            `json:"run"`
}

// StepResult is one step's wall time and the CPU used while it ran.
type StepResult struct {
	Name         string             `json:"name"`
	Status       string             `json:"status"`
	WallSeconds  float64            `json:"wall_seconds"`
	CPUSeconds   float64            `json:"cpu_seconds"`
	CPUBreakdown map[string]float64 `json:"cpu_breakdown_seconds"`
}

// RunInfo says what ran, and where, for reading the numbers.
type RunInfo struct {
	Sources    []string `json:"sources"`
	Period     string   `json:"period"`
	Seed       int64    `json:"seed"`
	Rounds     int      `json:"rounds_per_source"`
	PageSize   int      `json:"page_size"`
	WorkflowID string   `json:"workflow_id"`
	RunID      string   `json:"run_id"`
	Database   string   `json:"database"`
	Namespace  string   `json:"namespace"`
	// Temporal is "started" when the bench ran the dev server (its CPU is
	// counted) or "reused" (not counted).
	Temporal         string `json:"temporal"`
	PostgresMeasured bool   `json:"postgres_measured"` // false when Postgres is not on this machine
	Kept             bool   `json:"kept"`
	WorkDir          string `json:"work_dir,omitempty"` // when kept: config and process logs
	CPUs             int    `json:"cpus"`
	SampleMillis     int64  `json:"sample_interval_ms"`
}

// result fills what the cycle's run gives: counts, times and CPU.
func (r *run) result(s settled) Result {
	res := Result{RecordsAsked: r.o.Records, WallSeconds: s.wall.Seconds(), Run: r.info(s)}
	if pull := stepOf(s.status, lifecycle.StepPull); pull != nil {
		res.Records = pull.Counts["received"] + pull.Counts["rejects"]
	}
	if res.WallSeconds > 0 {
		res.RecordsPerSecond = float64(res.Records) / res.WallSeconds
	}
	if n := len(s.samples); n > 0 {
		res.CPUBreakdown, res.PostgresCPUBreakdown = totals(s.samples[n-1].cpu)
		res.CPUSeconds = sum(res.CPUBreakdown)
	}
	if !res.Run.PostgresMeasured {
		res.PostgresCPUBreakdown = nil
	}
	res.Steps, res.BetweenStepsCPU = stepResults(s.status.Steps, s.samples)
	return res
}

func (r *run) info(s settled) RunInfo {
	info := RunInfo{Sources: r.o.Kinds, Period: r.o.Period, Seed: r.o.Seed, Rounds: roundsPerSource(r.o.Records, len(r.o.Kinds)),
		PageSize: r.o.PageSize, WorkflowID: s.started.WorkflowID, RunID: s.started.RunID, Database: r.dbName, Namespace: r.ns,
		Temporal: "reused", PostgresMeasured: postgresIsLocal(r.dbURL), Kept: r.o.KeepDB, CPUs: runtime.NumCPU(),
		SampleMillis: sampleEvery.Milliseconds()}
	if r.temporal.started {
		info.Temporal = "started"
	}
	if r.o.KeepDB {
		info.WorkDir = r.dir
	}
	if info.PageSize == 0 {
		if sc, err := r.cat.Scope(scopeName); err == nil {
			info.PageSize = sc.Sources[0].PageSize
		}
	}
	return info
}

// stepResults gives each step that ran its wall time and the CPU sampled
// while it ran.
func stepResults(steps []workflows.StepState, samples []sample) ([]StepResult, map[string]float64) {
	var spans []span
	var out []StepResult
	for _, s := range steps {
		if s.StartedAt.IsZero() || s.EndedAt.IsZero() {
			continue
		}
		spans = append(spans, span{name: s.Name, from: s.StartedAt, to: s.EndedAt})
		out = append(out, StepResult{Name: s.Name, Status: s.Status, WallSeconds: s.EndedAt.Sub(s.StartedAt).Seconds()})
	}
	perSpan, outside := attribute(samples, spans)
	for i := range out {
		out[i].CPUBreakdown, _ = totals(perSpan[i])
		out[i].CPUSeconds = sum(out[i].CPUBreakdown)
	}
	between, _ := totals(outside)
	return out, between
}

func stepOf(st workflows.CycleStatus, name string) *workflows.StepState {
	for i := range st.Steps {
		if st.Steps[i].Name == name {
			return &st.Steps[i]
		}
	}
	return nil
}

func sum(m map[string]float64) float64 {
	var t float64
	for _, v := range m {
		t += v
	}
	return t
}

// rounded gives the result to the precision its measurements have:
// milliseconds for times, so the JSON does not carry float noise.
func (r Result) rounded() Result {
	ms := func(v float64) float64 { return math.Round(v*1000) / 1000 }
	for _, v := range []*float64{&r.WallSeconds, &r.CPUSeconds, &r.CopySeconds, &r.CopySecondsNoIndex,
		&r.RatioToCopy, &r.RecordsPerSecond, &r.StagingBytesPerRecord} {
		*v = ms(*v)
	}
	r.CPUBreakdown = roundAll(r.CPUBreakdown, ms)
	r.PostgresCPUBreakdown = roundAll(r.PostgresCPUBreakdown, ms)
	r.BetweenStepsCPU = roundAll(r.BetweenStepsCPU, ms)
	steps := make([]StepResult, len(r.Steps))
	for i, s := range r.Steps {
		s.WallSeconds, s.CPUSeconds, s.CPUBreakdown = ms(s.WallSeconds), ms(s.CPUSeconds), roundAll(s.CPUBreakdown, ms)
		steps[i] = s
	}
	r.Steps = steps
	return r
}

func roundAll(m map[string]float64, round func(float64) float64) map[string]float64 {
	if m == nil {
		return nil
	}
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = round(v)
	}
	return out
}

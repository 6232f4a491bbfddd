package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/settleflow/settleflow/internal/bench"
)

// benchGroups are the CPU columns, in the order the table shows them.
var benchGroups = []string{"worker", "simulator", "postgres", "temporal"}

// printBench prints a bench result for people: steps with wall and CPU
// time by process, then the headline numbers.
func printBench(w io.Writer, r bench.Result) error {
	fmt.Fprintf(w, "settleflow bench · %s records (asked %s) · sources %s · period %s · page size %d · %d CPUs · temporal %s\n\n",
		groupDigits(r.Records), groupDigits(int64(r.RecordsAsked)), strings.Join(r.Run.Sources, ","), r.Run.Period,
		r.Run.PageSize, r.Run.CPUs, r.Run.Temporal)
	// Numbers align right; the step names are padded to align left.
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(name, wall string, cpu float64, by map[string]float64) {
		fmt.Fprintf(tw, "%-13s\t%s\t%.2f\t%s\t\n", name, wall, cpu, cpuCells(by))
	}
	fmt.Fprintf(tw, "%-13s\twall s\tcpu s\t%s\t\n", "step", strings.Join(benchGroups, "\t"))
	for _, s := range r.Steps {
		row(s.Name, fmt.Sprintf("%.2f", s.WallSeconds), s.CPUSeconds, s.CPUBreakdown)
	}
	row("between steps", "", sumOf(r.BetweenStepsCPU), r.BetweenStepsCPU)
	row("cycle", fmt.Sprintf("%.2f", r.WallSeconds), r.CPUSeconds, r.CPUBreakdown)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "records/s\t%s\n", groupDigits(int64(r.RecordsPerSecond+0.5)))
	if len(r.PostgresCPUBreakdown) > 0 {
		fmt.Fprintf(tw, "postgres cpu s\t%s\n", labelled(r.PostgresCPUBreakdown))
	}
	fmt.Fprintf(tw, "worker peak RSS\t%s (simulator %s)\n", mebibytes(r.WorkerPeakRSSBytes), mebibytes(r.SimulatorPeakRSSBytes))
	fmt.Fprintf(tw, "history events\t%d (pull workflows: %s)\n", r.HistoryEvents, labelledInts(r.PullHistoryEvents))
	fmt.Fprintf(tw, "staging\t%s for %s records · %.0f bytes/record (the indexed COPY table: %.0f)\n",
		mebibytes(r.StagingBytes), groupDigits(r.RecordsStaged), r.StagingBytesPerRecord, r.CopyBytesPerRecord)
	fmt.Fprintf(tw, "bare COPY\t%.2f s with indexes · %.2f s without · the cycle takes %.1f× COPY\n",
		r.CopySeconds, r.CopySecondsNoIndex, r.RatioToCopy)
	fmt.Fprintf(tw, "run\t%s (namespace %s, database %s%s)\n", r.Run.WorkflowID, r.Run.Namespace, r.Run.Database, keptNote(r.Run))
	return tw.Flush()
}

func cpuCells(m map[string]float64) string {
	cells := make([]string, len(benchGroups))
	for i, g := range benchGroups {
		cells[i] = "-"
		if v, ok := m[g]; ok {
			cells[i] = fmt.Sprintf("%.2f", v)
		}
	}
	return strings.Join(cells, "\t")
}

func labelled(m map[string]float64) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %.2f", strings.ReplaceAll(k, "_", " "), m[k]))
	}
	return strings.Join(parts, " · ")
}

func labelledInts(m map[string]int) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func sumOf(m map[string]float64) float64 {
	var t float64
	for _, v := range m {
		t += v
	}
	return t
}

func mebibytes(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func keptNote(info bench.RunInfo) string {
	if !info.Kept {
		return ", dropped"
	}
	return ", kept; work dir " + info.WorkDir
}

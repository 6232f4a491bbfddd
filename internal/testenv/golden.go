package testenv

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/settleflow/settleflow/internal/platform"
)

// UpdateGoldenEnv, set to 1, makes tests that finish a workflow worth
// keeping write its history to workflows/testdata. Goldens are recorded
// once per workflow version and committed; they are never rewritten to
// make a failing replay pass.
const UpdateGoldenEnv = "SETTLEFLOW_UPDATE_GOLDEN"

// SaveGolden writes the workflow run's history as workflows/testdata/<name>.json
// when UpdateGoldenEnv is set.
func (r *Rig) SaveGolden(tb testing.TB, workflowID, runID, name string) {
	tb.Helper()
	if os.Getenv(UpdateGoldenEnv) != "1" {
		return
	}
	h, err := platform.History(Context(tb, 30e9), r.Client, workflowID, runID)
	if err != nil {
		tb.Fatal(err)
	}
	data, err := platform.HistoryJSON(h)
	if err != nil {
		tb.Fatal(err)
	}
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "..", "..", "workflows", "testdata", name+".json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("golden history written to %s", path)
}

package workflows

import (
	"os"
	"path/filepath"
	"testing"

	historypb "go.temporal.io/api/history/v1"
)

// Golden histories recorded from real runs of earlier workflow code. Each
// must replay against the current code: a change that alters the commands
// an old run produced, without a workflow.GetVersion guard, fails here.
func TestGoldenHistoriesReplay(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden histories in testdata")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if err := Replay(readGoldenHistory(t, f)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func readGoldenHistory(t *testing.T, path string) *historypb.History {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	h, err := ReadHistoryJSON(file)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

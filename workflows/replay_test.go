package workflows

import (
	"os"
	"path/filepath"
	"testing"
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
			file, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer file.Close()
			h, err := ReadHistoryJSON(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := Replay(h); err != nil {
				t.Fatal(err)
			}
		})
	}
}

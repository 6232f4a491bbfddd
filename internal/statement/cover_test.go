package statement

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A cover changes the JSON (and so the hash) only when there is one: a
// statement without it renders the published golden bytes.
func TestCoverOnlyWhenSummarized(t *testing.T) {
	s := goldenStatements()["full"]
	plain, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "full.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(plain.JSON) != string(want) {
		t.Fatal("a statement without a cover changed its bytes")
	}
	s.Cover = "GGR in EUR rose 15% over the trailing 7-cycle mean to 0.12 EUR."
	covered, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	if covered.SHA256 == plain.SHA256 || covered.CSV != plain.CSV {
		t.Errorf("the cover should change the JSON and its hash, not the CSV lines")
	}
	if !strings.Contains(string(covered.JSON), `"cover": "GGR in EUR rose 15%`) {
		t.Errorf("cover missing from\n%s", covered.JSON)
	}
	var back Statement
	if err := json.Unmarshal(covered.JSON, &back); err != nil || back.Cover != s.Cover {
		t.Errorf("cover read back as %q (%v)", back.Cover, err)
	}
}

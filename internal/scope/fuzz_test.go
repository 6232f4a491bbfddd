package scope

import (
	"io/fs"
	"testing"

	"github.com/settleflow/settleflow/examples/config"
)

// FuzzParse feeds the scope parser arbitrary documents: it never panics,
// and a document it accepts yields a scope that holds its own invariants
// (a name, at least one source, every source with a kind and positive
// slices, parallelism and page bound).
func FuzzParse(f *testing.F) {
	demo, err := fs.ReadFile(config.FS, "scopes/demo-casino.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(demo)
	f.Add([]byte(minimal))
	f.Add([]byte("scope: x\nsources: [{name: a, kind: provider, slices: 65}]\n"))
	f.Add([]byte("approval: {amount_above: {KRW: 5.5}}\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		s, err := Parse(doc)
		if err != nil {
			return
		}
		if s.Name == "" || len(s.Sources) == 0 {
			t.Fatalf("accepted a scope without a name or sources: %+v", s)
		}
		for _, src := range s.Sources {
			if src.Kind == "" || src.Slices < 1 || src.Parallel < 1 || src.MaxPages < 1 || src.PageSize < 0 {
				t.Fatalf("accepted source %+v", src)
			}
		}
	})
}

package agreement

import (
	"io/fs"
	"testing"

	"github.com/settleflow/settleflow/examples/config"
)

// FuzzParse feeds the agreement parser arbitrary documents: it never
// panics, and an agreement it accepts has a partner and versions numbered
// and dated in order.
func FuzzParse(f *testing.F) {
	files, err := fs.Glob(config.FS, "agreements/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := fs.ReadFile(config.FS, name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("partner: p\nkind: provider_fee\nversions: [{version: 1, effective_from: 2026-01-01, fee_percent: \"1e3\"}]\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		a, err := Parse(doc)
		if err != nil {
			return
		}
		if a.Partner == "" || len(a.Versions) == 0 {
			t.Fatalf("accepted an agreement without a partner or versions: %+v", a)
		}
		for i := 1; i < len(a.Versions); i++ {
			if a.Versions[i].Number <= a.Versions[i-1].Number || !a.Versions[i-1].EffectiveFrom.Before(a.Versions[i].EffectiveFrom) {
				t.Fatalf("accepted versions out of order: %+v", a.Versions)
			}
		}
	})
}

package catalog

import "testing"

func TestLoadEmbedded(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Scope("demo-casino")
	if err != nil {
		t.Fatal(err)
	}
	partners := 0
	for _, src := range s.Sources {
		if src.Partner == "" {
			continue // the operator's own wallet, reference rates
		}
		partners++
		if _, ok := c.Agreements[src.Partner]; !ok {
			t.Errorf("source %s: agreement for %s not loaded", src.Name, src.Partner)
		}
	}
	if partners != 3 {
		t.Errorf("%d sources with a partner, want the aggregator, the PSP and the affiliate network", partners)
	}
	if _, err := c.Scope("nope"); err == nil {
		t.Error("unknown scope accepted")
	}
}

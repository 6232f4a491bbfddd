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
	for _, src := range s.Sources {
		if _, ok := c.Agreements[src.Partner]; !ok {
			t.Errorf("source %s: agreement for %s not loaded", src.Name, src.Partner)
		}
	}
	if _, err := c.Scope("nope"); err == nil {
		t.Error("unknown scope accepted")
	}
}

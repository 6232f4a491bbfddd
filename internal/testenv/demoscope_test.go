package testenv

import (
	"testing"

	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/scope"
)

// The demo scope cut down to some kinds parses, and keeps only the pairs
// whose sources it keeps, as a worker process reads it.
func TestDemoScopeOfKindsParses(t *testing.T) {
	for _, kinds := range [][]string{nil, {record.KindProvider, record.KindWallet}, record.Kinds} {
		sc, err := scope.Parse([]byte(DemoScopeYAMLOf(t, kinds)))
		if err != nil {
			t.Fatalf("kinds %v: %v", kinds, err)
		}
		kept := map[string]bool{}
		for _, s := range sc.Sources {
			kept[s.Name] = true
		}
		for _, p := range sc.Reconciliation.Pairs {
			if !kept[p.Left.Source] || !kept[p.Right.Source] {
				t.Errorf("kinds %v: pair %s names a source not kept", kinds, p.Name)
			}
		}
		if want := map[int]int{1: 0, 2: 1, 5: 4}[len(sc.Sources)]; len(sc.Reconciliation.Pairs) != want {
			t.Errorf("kinds %v: %d sources, %d pairs, want %d", kinds, len(sc.Sources), len(sc.Reconciliation.Pairs), want)
		}
	}
}

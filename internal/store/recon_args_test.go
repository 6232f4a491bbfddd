package store

import (
	"regexp"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/settleflow/settleflow/internal/recon"
)

// pgx binds a named argument it is not given as NULL, which would quietly
// turn a comparison off: every name a pair's statements use must be given.
func TestPairStatementsHaveEveryArgument(t *testing.T) {
	name := regexp.MustCompile(`@([a-z_]+)`)
	side := func(src, key string) recon.Side {
		return recon.Side{Source: src, Key: key, Where: map[string]string{"a": "b"}}
	}
	pairs := []recon.Pair{
		{Name: "a", Left: side("x", "attrs.k"), Right: side("y", recon.KeyPlayer), Shape: recon.OneToOne, Types: []recon.TypeMap{{Left: "a", Right: "b"}}},
		{Name: "b", Left: side("x", "attrs.k"), Right: side("y", recon.KeyReferenceID), Shape: recon.ManyToOne,
			Types: []recon.TypeMap{{Left: "a", Right: "b"}}, Net: recon.Net{FeeAttr: "fee"}},
		{Name: "c", Left: side("x", recon.KeyExternalID), Right: side("y", "attrs.k"), Shape: recon.OneToMany,
			Types: []recon.TypeMap{{Left: "a", Right: "b"}}, Net: recon.Net{FeeAttr: "fee"}},
	}
	p := ReconcileParams{CycleID: uuid.New(), Scope: "s", PeriodStart: time.Now()}
	for _, pair := range pairs {
		args, err := pairArgs(p, pair)
		if err != nil {
			t.Fatal(err)
		}
		statements := []string{pairSQL("t", pair), sideDupSQL("t", pair.Left, "l"), sideDupSQL("t", pair.Right, "r")}
		for _, sql := range statements {
			for _, m := range name.FindAllStringSubmatch(sql, -1) {
				if _, ok := args[m[1]]; !ok {
					t.Errorf("pair %s (%s): @%s is used but not given", pair.Name, pair.Shape, m[1])
				}
			}
		}
	}
	base := map[string]bool{"cycle": true, "rep": true, "scope": true, "start": true}
	for _, sql := range []string{carryInSQL, conflictsSQL, controlTotalsSQL, lateSQL} {
		for _, m := range name.FindAllStringSubmatch(sql, -1) {
			if !base[m[1]] {
				t.Errorf("@%s is used but not given", m[1])
			}
		}
	}
}

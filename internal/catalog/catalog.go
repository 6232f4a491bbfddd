// Package catalog loads what settleflow settles: the scopes and the partner
// agreements they name, from a config directory or the embedded examples.
package catalog

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"

	"github.com/settleflow/settleflow/examples/config"
	"github.com/settleflow/settleflow/internal/agreement"
	"github.com/settleflow/settleflow/internal/scope"
	"github.com/settleflow/settleflow/internal/source/adapters"
)

// Catalog is the loaded configuration.
type Catalog struct {
	Scopes     map[string]scope.Scope
	Agreements map[string]agreement.Agreement
}

// Load reads dir (holding scopes/ and agreements/), or the embedded example
// configuration when dir is empty.
func Load(dir string) (Catalog, error) {
	if dir == "" {
		return FromFS(config.FS)
	}
	if _, err := os.Stat(dir); err != nil {
		return Catalog{}, fmt.Errorf("config directory: %w", err)
	}
	return FromFS(os.DirFS(dir))
}

// FromFS reads scopes/*.yaml and every agreement they name.
func FromFS(fsys fs.FS) (Catalog, error) {
	scopes, err := scope.LoadDir(fsys, "scopes", adapters.Check)
	if err != nil {
		return Catalog{}, err
	}
	c := Catalog{Scopes: scopes, Agreements: map[string]agreement.Agreement{}}
	for _, s := range scopes {
		for _, partner := range s.Agreements {
			if _, done := c.Agreements[partner]; done {
				continue
			}
			path := scope.AgreementPath("scopes", partner)
			data, err := fs.ReadFile(fsys, path)
			if err != nil {
				return Catalog{}, fmt.Errorf("scope %s: agreement %s: %w", s.Name, partner, err)
			}
			a, err := agreement.Parse(data)
			if err != nil {
				return Catalog{}, fmt.Errorf("%s: %w", path, err)
			}
			if a.Partner != partner {
				return Catalog{}, fmt.Errorf("%s: names partner %q, want %q", path, a.Partner, partner)
			}
			c.Agreements[partner] = a
		}
	}
	return c, nil
}

// Scope returns the named scope or an error listing the known ones.
func (c Catalog) Scope(name string) (scope.Scope, error) {
	s, ok := c.Scopes[name]
	if !ok {
		return scope.Scope{}, fmt.Errorf("unknown scope %q (known: %v)", name, c.ScopeNames())
	}
	return s, nil
}

// ScopeNames lists the scopes in order.
func (c Catalog) ScopeNames() []string {
	return slices.Sorted(maps.Keys(c.Scopes))
}

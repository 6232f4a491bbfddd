// Package adapters lists the source kinds settleflow pulls: one package per
// kind below internal/source, each registered here, in one place.
package adapters

import (
	"fmt"

	"github.com/settleflow/settleflow/internal/scope"
	"github.com/settleflow/settleflow/internal/source"
	"github.com/settleflow/settleflow/internal/source/fx"
	"github.com/settleflow/settleflow/internal/source/provider"
	"github.com/settleflow/settleflow/internal/source/psp"
	"github.com/settleflow/settleflow/internal/source/traffic"
	"github.com/settleflow/settleflow/internal/source/wallet"
)

// Registry holds every adapter.
var Registry = source.NewRegistry(provider.Kind, wallet.Kind, psp.Kind, traffic.Kind, fx.Kind)

// Check refuses a scope's source that no adapter serves, that asks for
// pages larger than its kind serves, or whose fallback's records cannot
// stand in for its own; the scope loader reports it with the file and
// line.
func Check(src scope.Source) error {
	k, err := Registry.Lookup(src.Kind)
	if err != nil {
		return err
	}
	if src.PageSize > k.MaxPageSize {
		return fmt.Errorf("page_size %d is above the %d a %s source serves", src.PageSize, k.MaxPageSize, src.Kind)
	}
	if src.Fallback != "" {
		if _, err := source.StandInFor(src.Kind, src.FallbackKind); err != nil {
			return fmt.Errorf("fallback %s: %w", src.Fallback, err)
		}
	}
	return nil
}

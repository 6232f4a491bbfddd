package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/platform"
)

// resolve resolves one break through the API, as the token's identity.
func (v *viaAPI) resolve(cmd *cobra.Command, id, action, reason string) error {
	d, err := v.client.Resolve(cmd.Context(), id, action, reason)
	if err != nil {
		return fmt.Errorf("resolve %s refused: %w", id, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s: %s by %s: %q\n", id, d.Action, d.ResolvedBy, d.Reason)
	return nil
}

// importFile sends an edited export to the API, which applies it as the
// token's identity, all or nothing; a refusal lists every row and field.
func (v *viaAPI) importFile(cmd *cobra.Command, in io.Reader) error {
	res, err := v.client.Import(cmd.Context(), in)
	if err != nil {
		return fmt.Errorf("import refused: %w", err)
	}
	fmt.Fprintln(cmd.OutOrStdout(), platform.ImportResult{Rows: res.Rows, Resolved: res.Resolved, Already: res.Already}.Describe(res.Actor))
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/store"
)

// demoAdmin is the name of the token the demo creates.
const demoAdmin = "demo-admin"

// serveDemo serves the console and API for the demo with a fresh admin
// token until ctx ends. Earlier demo tokens are revoked, so only the one
// printed works. A busy port falls back to a free one.
func (a *app) serveDemo(ctx context.Context, out io.Writer, web serveFlags, st *store.Store, c client.Client,
	cat catalog.Catalog, uiURL string) error {
	if _, err := platform.RevokeTokens(ctx, st, demoAdmin, "settleflow dev"); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	token, err := platform.CreateToken(ctx, st, demoAdmin, "admin", currentUser())
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", web.addr)
	if err != nil {
		fmt.Fprintf(out, "%s is busy (%v); using a free port instead\n", web.addr, err)
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return fmt.Errorf("listen for the console: %w", err)
		}
	}
	fmt.Fprintf(out, "\n✓ console http://%s — log in with this admin token (created for the demo, shown once):\n  %s\n",
		ln.Addr(), token.Secret)
	fmt.Fprintf(out, "  API: curl -H 'Authorization: Bearer %s' http://%s/api/v1/cycles\n", token.Secret, ln.Addr())
	fmt.Fprintf(out, "  more tokens: bin/settleflow token create --name alice --role approver\n")
	fmt.Fprintf(out, "The worker keeps running, so actions from the console take effect.\n")
	return a.serveOn(ctx, out, ln, web, st, c, cat, uiURL)
}

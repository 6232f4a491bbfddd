package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/server"
	"github.com/settleflow/settleflow/internal/store"
)

// serveFlags configure `settleflow serve` and the console `dev` serves.
type serveFlags struct {
	addr          string
	tlsCert       string
	tlsKey        string
	secureCookies bool
	sessionTTL    time.Duration
}

func (f *serveFlags) register(cmd *cobra.Command, defaultAddr string) {
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", envOr("SETTLEFLOW_HTTP_ADDR", defaultAddr), "host:port the API and console listen on (env SETTLEFLOW_HTTP_ADDR)")
	fl.StringVar(&f.tlsCert, "http-tls-cert", os.Getenv("SETTLEFLOW_HTTP_TLS_CERT"), "serve HTTPS with this certificate (env SETTLEFLOW_HTTP_TLS_CERT)")
	fl.StringVar(&f.tlsKey, "http-tls-key", os.Getenv("SETTLEFLOW_HTTP_TLS_KEY"), "and this key (env SETTLEFLOW_HTTP_TLS_KEY)")
	fl.BoolVar(&f.secureCookies, "secure-cookies", os.Getenv("SETTLEFLOW_SECURE_COOKIES") == "true",
		"mark session cookies Secure behind a TLS-terminating proxy (env SETTLEFLOW_SECURE_COOKIES=true)")
	fl.DurationVar(&f.sessionTTL, "session-ttl", 12*time.Hour, "how long a console login lasts")
}

func (a *app) serveCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080]",
		Short: "Serve the HTTP API and the operator console",
		Long: `Serves the JSON API (/api/v1/…) and the web console on one port. Every route
but /healthz and /metrics needs an API token (settleflow token create) with a
role: viewer, operator, approver or admin. Operator actions are the same
workflow Updates as the CLI's, recorded under the token's name. The schema is
settleflow migrate's (or a starting worker's) to apply.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			// Before dialling, so the client reports the SDK's metrics.
			if _, err := a.prometheus(st); err != nil {
				return err
			}
			return a.withTemporal(cmd.Context(), func(c client.Client) error {
				return a.serve(cmd.Context(), cmd.OutOrStdout(), f, st, c, cat, "")
			})
		},
	}
	f.register(cmd, "127.0.0.1:8080")
	return cmd
}

// serve runs the API and console until ctx ends. uiURL links cycle pages
// to the Temporal UI when set.
func (a *app) serve(ctx context.Context, out io.Writer, f serveFlags, st *store.Store, c client.Client, cat catalog.Catalog, uiURL string) error {
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s (--addr): %w", f.addr, err)
	}
	return a.serveOn(ctx, out, ln, f, st, c, cat, uiURL)
}

func (a *app) serveOn(ctx context.Context, out io.Writer, ln net.Listener, f serveFlags, st *store.Store, c client.Client,
	cat catalog.Catalog, uiURL string) error {
	prom, err := a.prometheus(st)
	if err != nil {
		ln.Close()
		return err
	}
	srv, err := server.New(server.Options{Store: st, Temporal: c, Catalog: cat, Log: a.log, Metrics: prom.Handler(),
		SecureCookies: f.secureCookies, SessionTTL: f.sessionTTL, TemporalUI: uiURL, Namespace: a.temporal.Namespace})
	if err != nil {
		ln.Close()
		return err
	}
	scheme := "http"
	if f.tlsCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(out, "console and API on %s://%s (Ctrl-C stops)\n", scheme, ln.Addr())
	return server.Serve(ctx, ln, srv, f.tlsCert, f.tlsKey)
}

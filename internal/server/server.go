// Package server is settleflow's HTTP surface: a JSON API under /api/v1
// and a server-rendered console, on one port, behind API tokens with
// roles. Every operation calls the same internal/platform functions as
// the CLI; this package only authenticates, authorises, decodes and
// renders.
package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/workflows"
)

// Options are what the server needs.
type Options struct {
	Store    *store.Store
	Temporal client.Client
	Catalog  catalog.Catalog
	Log      *slog.Logger
	// Metrics is served at /metrics without authentication, for a
	// Prometheus scraper; nil answers 404.
	Metrics http.Handler
	// SecureCookies marks the session cookie Secure even when this server
	// does not terminate TLS itself (behind a TLS proxy).
	SecureCookies bool
	// SessionTTL is how long a console login lasts; zero is 12 hours.
	SessionTTL time.Duration
	// Tuning overrides retries and timeouts of the cycles started through
	// the API, as the CLI's tests and demos do; the zero value is production.
	Tuning workflows.Tuning
	// TemporalUI is the Temporal Web UI's base URL and namespace, for
	// links from a cycle's page; empty leaves the links out.
	TemporalUI, Namespace string
}

// Server handles the API and the console.
type Server struct {
	o      Options
	log    *slog.Logger
	mux    *http.ServeMux
	pages  map[string]*template.Template
	routes []route
}

// New builds the server and its routes.
func New(o Options) (*Server, error) {
	if o.Store == nil || o.Temporal == nil {
		return nil, errors.New("server: a store and a Temporal client are required")
	}
	o.SessionTTL = cmp.Or(o.SessionTTL, 12*time.Hour)
	s := &Server{o: o, log: cmp.Or(o.Log, slog.Default()), mux: http.NewServeMux()}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	s.routes = append(s.apiRoutes(), s.consoleRoutes()...)
	for _, rt := range s.routes {
		s.mux.Handle(rt.method+" "+rt.pattern, s.guard(rt))
	}
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.Handle("GET /metrics", s.metrics())
	s.mux.Handle("GET /static/", staticFiles())
	s.mux.HandleFunc("/", s.notFound)
	return s, nil
}

// ServeHTTP sets the security headers on every response and routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header(), r.TLS != nil)
	s.mux.ServeHTTP(w, r)
}

func (s *Server) metrics() http.Handler {
	if s.o.Metrics == nil {
		return http.HandlerFunc(s.notFound)
	}
	return s.o.Metrics
}

// healthz answers 200 while Postgres and Temporal answer, 503 otherwise.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	status := map[string]string{"postgres": "ok", "temporal": "ok"}
	code := http.StatusOK
	if err := s.o.Store.Pool.Ping(ctx); err != nil {
		status["postgres"], code = "unreachable", http.StatusServiceUnavailable
		s.log.Warn("healthz: postgres", "error", err)
	}
	if _, err := s.o.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		status["temporal"], code = "unreachable", http.StatusServiceUnavailable
		s.log.Warn("healthz: temporal", "error", err)
	}
	writeJSON(w, code, status)
}

// Serve serves h on ln until ctx ends, then shuts down gracefully.
// certFile and keyFile, when set, serve HTTPS.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, certFile, keyFile string) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	done := make(chan error, 1)
	go func() {
		if certFile != "" || keyFile != "" {
			done <- srv.ServeTLS(ln, certFile, keyFile)
			return
		}
		done <- srv.Serve(ln)
	}()
	select {
	case err := <-done:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down %s: %w", ln.Addr(), err)
	}
	return nil
}

// Package platform connects settleflow to its infrastructure: a Temporal
// cluster (address, namespace, mTLS) and the worker that runs the cycle.
package platform

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
)

// TemporalOptions say where the Temporal frontend is and how to reach it.
type TemporalOptions struct {
	Address    string
	Namespace  string
	TLSCert    string // client certificate file (mTLS)
	TLSKey     string // client key file (mTLS)
	TLSCA      string // CA bundle for the server; empty uses the system pool
	TLSServer  string // server name to verify, when it differs from the address
	TLS        bool   // use TLS even without a client certificate (Temporal Cloud API keys, proxies)
	APIKey     string
	DialTimout time.Duration
	// Interceptors wrap the client and the workers built on it (tracing).
	Interceptors []interceptor.ClientInterceptor
	// MetricsHandler receives the SDK's metrics; nil sends them nowhere.
	MetricsHandler client.MetricsHandler
}

// Dial connects to Temporal and checks the connection, so an unreachable
// server is reported at once with its address.
func Dial(ctx context.Context, o TemporalOptions, logger *slog.Logger) (client.Client, error) {
	opts := client.Options{HostPort: o.Address, Namespace: o.Namespace, Logger: log.NewStructuredLogger(logger),
		Interceptors: o.Interceptors, MetricsHandler: o.MetricsHandler}
	tlsCfg, err := o.tlsConfig()
	if err != nil {
		return nil, err
	}
	if tlsCfg != nil {
		opts.ConnectionOptions.TLS = tlsCfg
	}
	if o.APIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(o.APIKey)
	}
	timeout := o.DialTimout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := client.DialContext(dctx, opts)
	if err != nil {
		return nil, fmt.Errorf("temporal at %s (namespace %s) is unreachable: %w", o.Address, o.Namespace, err)
	}
	return c, nil
}

func (o TemporalOptions) tlsConfig() (*tls.Config, error) {
	if o.TLSCert == "" && o.TLSKey == "" && o.TLSCA == "" && !o.TLS {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: o.TLSServer}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return nil, fmt.Errorf("mTLS needs both --tls-cert and --tls-key")
	}
	if o.TLSCert != "" {
		pair, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("load client certificate %s: %w", o.TLSCert, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if o.TLSCA != "" {
		pem, err := os.ReadFile(o.TLSCA)
		if err != nil {
			return nil, fmt.Errorf("read CA bundle: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA bundle %s holds no PEM certificate", o.TLSCA)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

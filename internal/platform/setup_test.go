package platform_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/platform"
	temporalconfig "github.com/settleflow/settleflow/temporal-config"
)

// `temporal setup` on a namespace the cluster has never seen succeeds the
// first time: the namespace is registered, waited for until the frontend
// serves it, and has every search attribute when it returns. Running it
// again changes nothing.
func TestSetupNamespaceFirstTime(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := temporalconfig.Default()
	if err != nil {
		t.Fatal(err)
	}
	admin, err := client.DialContext(ctx, client.Options{HostPort: temporal.Address, Namespace: temporal.Namespace})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	suffix := make([]byte, 5)
	_, _ = rand.Read(suffix)
	ns := "setup-" + hex.EncodeToString(suffix)
	for range 2 {
		if err := platform.SetupNamespace(ctx, admin, ns, time.Hour, cfg.SearchAttributes); err != nil {
			t.Fatalf("setup of %s: %v", ns, err)
		}
		have, err := admin.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: ns})
		if err != nil {
			t.Fatal(err)
		}
		for name := range cfg.SearchAttributes {
			if _, ok := have.CustomAttributes[name]; !ok {
				t.Errorf("search attribute %s missing after setup", name)
			}
		}
	}
}

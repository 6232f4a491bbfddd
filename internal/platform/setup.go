package platform

import (
	"context"
	"errors"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"
)

// EnsureNamespace registers the namespace if the cluster lacks it. A
// self-hosted cluster needs this once; Temporal Cloud namespaces are made
// in its console and already exist.
func EnsureNamespace(ctx context.Context, c client.Client, namespace string, retention time.Duration) error {
	_, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	if err == nil {
		return nil
	}
	var notFound *serviceerror.NamespaceNotFound
	if !errors.As(err, &notFound) {
		return fmt.Errorf("describe namespace %s: %w", namespace, err)
	}
	_, err = c.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace: namespace, WorkflowExecutionRetentionPeriod: durationpb.New(retention),
	})
	var exists *serviceerror.NamespaceAlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("register namespace %s: %w", namespace, err)
	}
	return nil
}

// EnsureSearchAttributes adds the custom search attributes the namespace
// lacks; types are Temporal's names (Keyword, Int, Datetime, …).
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string, attrs map[string]string) error {
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes of %s: %w", namespace, err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for name, typ := range attrs {
		if _, ok := have.CustomAttributes[name]; ok {
			continue
		}
		v, ok := enumspb.IndexedValueType_shorthandValue[typ]
		if !ok {
			return fmt.Errorf("search attribute %s: unknown type %q", name, typ)
		}
		missing[name] = enumspb.IndexedValueType(v)
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: missing,
	})
	if err != nil {
		return fmt.Errorf("add search attributes to %s: %w", namespace, err)
	}
	return nil
}

// SetupNamespace makes namespace ready for settleflow: registered if the
// cluster lacks it, served by the frontend, and holding attrs. A namespace
// registered a moment ago is "not found" until it reaches the server's
// namespace cache, and search attributes added to it are listed a moment
// later still; both are waited for, so a first setup succeeds.
func SetupNamespace(ctx context.Context, c client.Client, namespace string, retention time.Duration, attrs map[string]string) error {
	if err := EnsureNamespace(ctx, c, namespace, retention); err != nil {
		return err
	}
	if err := waitNamespace(ctx, c, namespace, nil); err != nil {
		return err
	}
	if err := EnsureSearchAttributes(ctx, c, namespace, attrs); err != nil {
		return err
	}
	return waitNamespace(ctx, c, namespace, attrs)
}

// waitNamespace returns once the namespace answers requests that go through
// the server's namespace cache and lists every attribute in attrs.
func waitNamespace(ctx context.Context, c client.Client, namespace string, attrs map[string]string) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		err := namespaceReady(ctx, c, namespace, attrs)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("namespace %s not ready: %w", namespace, err)
		case <-tick.C:
		}
	}
}

func namespaceReady(ctx context.Context, c client.Client, namespace string, attrs map[string]string) error {
	_, err := c.WorkflowService().DescribeWorkflowExecution(ctx, &workflowservice.DescribeWorkflowExecutionRequest{
		Namespace: namespace, Execution: &commonpb.WorkflowExecution{WorkflowId: "settleflow-namespace-probe"},
	})
	var notFound *serviceerror.NamespaceNotFound
	if errors.As(err, &notFound) {
		return err
	}
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return err
	}
	for name := range attrs {
		if _, ok := have.CustomAttributes[name]; !ok {
			return fmt.Errorf("search attribute %s missing", name)
		}
	}
	return nil
}

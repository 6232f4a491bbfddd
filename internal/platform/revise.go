package platform

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/settleflow/settleflow/workflows"
)

// reviseKeyMemo is the memo field in which a revision's run keeps the
// idempotency key it was started with.
const reviseKeyMemo = "revise_key"

// startedWithKey finds the period's latest run when it is the revision
// started with key, as a repeated request (a double click, a retried call)
// would. A second request racing the first is refused by Temporal while
// the first runs, which start reports as the existing run too.
func startedWithKey(ctx context.Context, c client.Client, in workflows.CycleInput, key string) (Started, bool, error) {
	id := workflows.WorkflowID(in.Scope, in.PeriodKey)
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return Started{}, false, nil
	}
	if err != nil {
		return Started{}, false, fmt.Errorf("describe cycle %s: %w", id, err)
	}
	info := desc.GetWorkflowExecutionInfo()
	field, ok := info.GetMemo().GetFields()[reviseKeyMemo]
	if !ok {
		return Started{}, false, nil
	}
	var have string
	if err := converter.GetDefaultDataConverter().FromPayload(field, &have); err != nil {
		return Started{}, false, fmt.Errorf("cycle %s: memo %s: %w", id, reviseKeyMemo, err)
	}
	if have != key {
		return Started{}, false, nil
	}
	return Started{WorkflowID: id, RunID: info.GetExecution().GetRunId(), Existing: true, Status: info.GetStatus(), Input: in}, true, nil
}

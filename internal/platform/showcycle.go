package platform

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/workflows"
)

// CycleView is a cycle's status and where it came from.
type CycleView struct {
	Status workflows.CycleStatus
	// FromLog is set when the workflow could not answer and the status was
	// rebuilt from the Postgres event log; QueryErr says why.
	FromLog  bool
	QueryErr error
}

var errNoTemporal = errors.New("temporal is unreachable")

// showQueryTimeout bounds asking the workflow, so a cycle with no worker to
// answer falls back to the event log quickly.
const showQueryTimeout = 5 * time.Second

// ShowCycle asks the cycle's workflow for its status and, when no worker
// answers (or the history is past retention), rebuilds it from the cycle's
// event log in Postgres, the permanent record. A nil client (Temporal
// unreachable) goes to the log at once.
func ShowCycle(ctx context.Context, c client.Client, st *store.Store, workflowID string) (CycleView, error) {
	queryErr := errNoTemporal
	if c != nil {
		qctx, cancel := context.WithTimeout(ctx, showQueryTimeout)
		status, err := QueryCycle(qctx, c, workflowID, "")
		cancel()
		if err == nil {
			return CycleView{Status: status}, nil
		}
		queryErr = err
	}
	if st == nil {
		return CycleView{}, queryErr
	}
	cyc, err := st.LatestCycleOfWorkflow(ctx, workflowID)
	if err != nil {
		return CycleView{}, fmt.Errorf("%w; %w", queryErr, err)
	}
	events, err := st.Events(ctx, cyc.ID)
	if err != nil {
		return CycleView{}, err
	}
	status := StatusFromLog(cyc, events)
	if status.Summary, _, err = st.Summary(ctx, cyc.ID); err != nil {
		return CycleView{}, err
	}
	return CycleView{Status: status, FromLog: true, QueryErr: queryErr}, nil
}

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/apiclient"
	"github.com/settleflow/settleflow/internal/lifecycle"
)

// viaAPI says whether operator actions go through the settleflow API: when
// both its URL and a token are configured. Otherwise they go straight to
// Temporal, which only admins should be able to reach, since the actor is
// then whatever --as says.
func (a *app) viaAPI(cmd *cobra.Command) (bool, error) {
	switch {
	case a.api.BaseURL == "" && a.api.Token == "":
		return false, nil
	case a.api.BaseURL == "":
		return false, fmt.Errorf("--api-url (SETTLEFLOW_API_URL) is required with an API token")
	case a.api.Token == "":
		return false, fmt.Errorf("--api-token (SETTLEFLOW_API_TOKEN) is required with an API URL")
	}
	if cmd.Flags().Changed("as") {
		return false, fmt.Errorf("--as: not allowed through the API; actions are recorded as the token's identity")
	}
	return true, nil
}

// actViaAPI applies an operator action through the API.
func (a *app) actViaAPI(cmd *cobra.Command, workflowID, action, reason string) error {
	res, err := a.api.Act(cmd.Context(), workflowID, action, reason)
	if err != nil {
		return fmt.Errorf("%s %s refused: %w", action, workflowID, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s accepted for %s (wait #%d), recorded as %s: %q\n", action, workflowID, res.Episode, res.Actor, reason)
	return nil
}

// startViaAPI starts a cycle through the API and, with wait, polls it
// until it ends or stops for an operator.
func (a *app) startViaAPI(cmd *cobra.Command, scope, period string, revise, wait bool) error {
	ctx, out := cmd.Context(), cmd.OutOrStdout()
	started, err := a.api.Start(ctx, scope, period, revise)
	if err != nil {
		return err
	}
	if started.Existing {
		fmt.Fprintf(out, "%s already exists (run %s); not started again\n", started.WorkflowID, started.RunID)
	} else {
		fmt.Fprintf(out, "started %s (run %s) as %s\n", started.WorkflowID, started.RunID, started.StartedBy)
	}
	if !wait {
		return nil
	}
	c, err := pollCycle(ctx, &a.api, started.WorkflowID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s %s (revision %d)\n", c.WorkflowID, c.Status, c.Revision)
	if c.Status != lifecycle.StatusCompleted {
		return fmt.Errorf("cycle %s is %s", c.WorkflowID, c.Status)
	}
	return nil
}

// pollCycle waits until the cycle ends or waits for an operator.
func pollCycle(ctx context.Context, api *apiclient.Client, workflowID string) (apiclient.Cycle, error) {
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		c, err := api.Cycle(ctx, workflowID)
		if err != nil {
			return c, err
		}
		switch c.Status {
		case lifecycle.StatusCompleted, lifecycle.StatusCompensated, lifecycle.StatusBlocked, lifecycle.StatusAwaitingApproval:
			return c, nil
		}
		select {
		case <-ctx.Done():
			return c, ctx.Err()
		case <-tick.C:
		}
	}
}

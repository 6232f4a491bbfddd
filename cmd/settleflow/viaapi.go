package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/settleflow/settleflow/internal/apiclient"
	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
)

// viaAPI is where the cycle commands' operator actions go when the
// settleflow API is configured, as a token's identity.
type viaAPI struct {
	client apiclient.Client
}

// register adds --api-url and --api-token to a command whose operator
// actions may go through the API: the cycle commands, discrepancy resolve
// and import.
func (v *viaAPI) register(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&v.client.BaseURL, "api-url", os.Getenv("SETTLEFLOW_API_URL"), "settleflow API for operator actions, e.g. http://127.0.0.1:8080 (env SETTLEFLOW_API_URL)")
	f.StringVar(&v.client.Token, "api-token", os.Getenv("SETTLEFLOW_API_TOKEN"), "API token operator actions are taken with (env SETTLEFLOW_API_TOKEN)")
}

// use says whether operator actions go through the settleflow API: when
// both its URL and a token are configured. Otherwise they go straight to
// Temporal, which only admins should be able to reach, since the actor is
// then whatever --as says.
func (v *viaAPI) use(cmd *cobra.Command) (bool, error) {
	switch {
	case v.client.BaseURL == "" && v.client.Token == "":
		return false, nil
	case v.client.BaseURL == "":
		return false, fmt.Errorf("--api-url (SETTLEFLOW_API_URL) is required with an API token")
	case v.client.Token == "":
		return false, fmt.Errorf("--api-token (SETTLEFLOW_API_TOKEN) is required with an API URL")
	}
	if cmd.Flags().Changed("as") {
		return false, fmt.Errorf("--as: not allowed through the API; actions are recorded as the token's identity")
	}
	return true, nil
}

// act applies an operator action through the API.
func (v *viaAPI) act(cmd *cobra.Command, workflowID, action, reason string) error {
	res, err := v.client.Act(cmd.Context(), workflowID, action, reason)
	if err != nil {
		return fmt.Errorf("%s %s refused: %w", action, workflowID, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s accepted for %s (wait #%d), recorded as %s: %q\n", action, workflowID, res.Episode, res.Actor, reason)
	return nil
}

// start starts a cycle through the API and, with wait, polls it until it
// ends or stops for an operator.
func (v *viaAPI) start(cmd *cobra.Command, req platform.StartRequest, wait bool) error {
	ctx, out := cmd.Context(), cmd.OutOrStdout()
	started, err := v.client.Start(ctx, apiclient.StartRequest{Scope: req.Scope, Period: req.Period, Revise: req.Revise,
		IdempotencyKey: req.IdempotencyKey, Force: req.Force})
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
	c, err := pollCycle(ctx, &v.client, started.WorkflowID)
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

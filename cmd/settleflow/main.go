// Command settleflow runs settlement cycles: the local demo, workers for any
// Temporal cluster, migrations, the partner simulators and the operator CLI.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRoot().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "settleflow:", err)
		os.Exit(1)
	}
}

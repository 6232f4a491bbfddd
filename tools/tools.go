//go:build tools

// Package tools pins the Temporal CLI (and with it the dev server) in a
// module of its own, so the server's dependencies never pull on the SDK
// versions the settleflow module uses.
package tools

import _ "github.com/temporalio/cli/cmd/temporal"

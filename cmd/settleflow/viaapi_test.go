package main

import (
	"strings"
	"testing"
)

// Through the API the actor is the token's: --as is refused, and half a
// configuration is named rather than silently ignored.
func TestOperatorActionsThroughTheAPIRefuseAs(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"cycle", "retry", "settle/demo-casino/2026-11-01", "--reason", "r", "--as", "bob",
			"--api-url", "http://127.0.0.1:1", "--api-token", "sft_x"}, "--as: not allowed through the API"},
		{[]string{"cycle", "start", "--scope", "demo-casino", "--period", "2026-11-01", "--as", "bob",
			"--api-url", "http://127.0.0.1:1", "--api-token", "sft_x"}, "--as: not allowed through the API"},
		{[]string{"cycle", "approve", "settle/demo-casino/2026-11-01", "--reason", "r", "--api-token", "sft_x"}, "--api-url"},
		{[]string{"cycle", "abort", "settle/demo-casino/2026-11-01", "--reason", "r", "--api-url", "http://127.0.0.1:1"}, "--api-token"},
		{[]string{"cycle", "retry", "settle/demo-casino/2026-11-01", "--reason", "r",
			"--api-url", "http://127.0.0.1:1", "--api-token", "sft_x"}, "settleflow API at http://127.0.0.1:1"},
	} {
		t.Setenv("SETTLEFLOW_API_URL", "")
		t.Setenv("SETTLEFLOW_API_TOKEN", "")
		_, err := runCLI(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error containing %q", c.args, err, c.want)
		}
	}
}

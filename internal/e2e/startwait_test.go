package e2e

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/platform"
)

// `cycle start --wait` on a cycle that blocks says so, with the commands
// that move it on, instead of waiting silently; it keeps waiting, and ends
// when an operator aborts the cycle.
func TestStartWaitExplainsABlock(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	e := newEnv(t, envOptions{wrongToken: true})
	cmd := exec.Command(bin, "cycle", "start", "--scope", scopeName, "--period", period, "--wait", "--as", "e2e",
		"--temporal-address", temporal.Address, "--namespace", e.namespace)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var out strings.Builder
	lines := bufio.NewScanner(stdout)
	go func() {
		for lines.Scan() {
			mu.Lock()
			out.WriteString(lines.Text() + "\n")
			mu.Unlock()
		}
	}()
	said := func() string { mu.Lock(); defer mu.Unlock(); return out.String() }
	id := "settle/" + scopeName + "/" + period
	for deadline := time.Now().Add(time.Minute); !strings.Contains(said(), "cycle retry "+id); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no word of the block within a minute:\n%s", said())
		}
	}
	for _, want := range []string{"BLOCKED on pull", "The cycle is blocked at pull and waits for an operator", "abort", "still waiting"} {
		if !strings.Contains(said(), want) {
			t.Errorf("output lacks %q:\n%s", want, said())
		}
	}
	if _, err := platform.Act(e.ctx, e.client, id, lifecycle.ActionAbort, "ops", "token rotated"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("start --wait exited 0 for an aborted cycle")
		}
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("start --wait still waiting a minute after the abort:\n%s", said())
	}
	if !strings.Contains(stderr.String(), "abort by ops: token rotated") {
		t.Errorf("stderr %q does not say the cycle was aborted", stderr.String())
	}
}

package bench

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// child is a settleflow process the bench started, so its CPU and memory
// are its own to measure.
type child struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{} // closed once the process has been waited for
	waitErr error
}

// startChild runs exe with args, its output to <dir>/<name>.log. The
// process gets SIGKILL should the bench die without stopping it.
func startChild(name, exe, dir string, args, env []string) (*child, error) {
	logPath := dir + "/" + name + ".log"
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		c.waitErr = cmd.Wait()
		logFile.Close()
		close(c.exited)
	}()
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

func (c *child) running() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// died describes a child that ended on its own, with the end of its log.
func (c *child) died() error {
	return fmt.Errorf("%s exited (%v); its log ends:\n%s", c.name, c.waitErr, c.logTail(15))
}

// stop asks the child to end (SIGTERM: the worker and the simulator shut
// down cleanly on it), and kills it if it has not within grace.
func (c *child) stop(grace time.Duration) {
	if !c.running() {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(grace):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// peakRSS is the child's peak resident set: VmHWM while it runs, the
// kernel's accounting (Maxrss, in KiB on Linux) once it has ended.
func (c *child) peakRSS() int64 {
	if c.running() {
		if n, err := peakRSS(c.pid()); err == nil {
			return n
		}
	}
	<-c.exited
	if ru, ok := c.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return 0
}

func (c *child) logTail(lines int) string {
	data, err := os.ReadFile(c.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

// waitFor polls ready until it holds, the child dies, or limit passes.
func (c *child) waitFor(ctx context.Context, what string, limit time.Duration, ready func(context.Context) bool) error {
	deadline := time.Now().Add(limit)
	for !ready(ctx) {
		if !c.running() {
			return c.died()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: not %s after %s; its log ends:\n%s", c.name, what, limit, c.logTail(15))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

// freePort asks the kernel for a loopback port nobody listens on. Another
// process could take it before the child binds it; the child then fails
// to start and says so.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func listening(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// childEnv is the bench's environment without any SETTLEFLOW_ variable, so
// only what the bench passes configures its children, plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SETTLEFLOW_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

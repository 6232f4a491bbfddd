package bench

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux architecture Go supports (sysconf would need cgo to ask).
const clockTicks = 100

// procKey names a process across samples: a PID may be reused, never with
// the same start time.
type procKey struct {
	pid   int
	start uint64 // clock ticks after boot
}

// procStat is one reading of a process's CPU time.
type procStat struct {
	key   procKey
	ticks uint64 // user + system
}

// readStat reads /proc/<pid>/stat.
func readStat(pid int) (procStat, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	return parseStat(pid, data)
}

// parseStat reads utime, stime and starttime (fields 14, 15 and 22). The
// command name (field 2) may hold spaces and parentheses, so fields are
// counted from its last ')'.
func parseStat(pid int, data []byte) (procStat, error) {
	end := bytes.LastIndexByte(data, ')')
	if end < 0 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	fields := strings.Fields(string(data[end+1:]))
	// fields[0] is field 3 (state).
	const utime, stime, start = 14 - 3, 15 - 3, 22 - 3
	if len(fields) <= start {
		return procStat{}, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(fields)+2)
	}
	var nums [3]uint64
	for i, f := range []int{utime, stime, start} {
		n, err := strconv.ParseUint(fields[f], 10, 64)
		if err != nil {
			return procStat{}, fmt.Errorf("/proc/%d/stat field %d: %w", pid, f+3, err)
		}
		nums[i] = n
	}
	return procStat{key: procKey{pid: pid, start: nums[2]}, ticks: nums[0] + nums[1]}, nil
}

// peakRSS reads VmHWM, the process's peak resident set, in bytes.
func peakRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseHWM(data)
}

func parseHWM(status []byte) (int64, error) {
	for line := range strings.SplitSeq(string(status), "\n") {
		rest, ok := strings.CutPrefix(line, "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("VmHWM %q: %w", rest, err)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("no VmHWM line")
}

// postgresPIDs lists every process on the machine named postgres: the
// postmaster, its auxiliary processes and every backend.
func postgresPIDs() ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if err == nil && strings.TrimSpace(string(comm)) == "postgres" {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// Postgres CPU is split by what each process serves, read from its process
// title ("postgres: 15/main: user db host(port) state").
const (
	pgBench  = "bench_database"  // backends of the bench's database
	pgServer = "server"          // postmaster, checkpointer, WAL writer, …
	pgOther  = "other_databases" // backends of other databases on the machine
)

func postgresClass(pid int, database string) string {
	title, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return pgServer
	}
	t := " " + strings.ReplaceAll(string(title), "\x00", " ") + " "
	switch {
	case strings.Contains(t, " "+database+" "):
		return pgBench
	case strings.Contains(t, "(") || strings.Contains(t, "[local]"):
		return pgOther // a client's address: some other database's backend
	default:
		return pgServer
	}
}

package bench

import (
	"context"
	"strings"
	"sync"
	"time"
)

// Groups of processes whose CPU the bench reports.
const (
	groupWorker    = "worker"
	groupSimulator = "simulator"
	groupTemporal  = "temporal"
	groupPostgres  = "postgres"
)

// sample is the CPU each group has used since the baseline, at one moment.
// Postgres is split by class as "postgres:<class>".
type sample struct {
	at  time.Time
	cpu map[string]float64 // seconds
}

// sampler reads the CPU time of the bench's processes and of every
// postgres process. Each process counts from the first sample it is seen
// in (from zero when it started after the baseline) to the last; so a
// backend that exits mid-run keeps what it used, up to one interval.
type sampler struct {
	fixed    map[string][]int // group → PIDs the bench started
	database string           // the bench database; "" when Postgres is not on this machine
	base     map[procKey]uint64
	last     map[procKey]uint64
	group    map[procKey]string

	mu      sync.Mutex
	samples []sample
}

func newSampler(fixed map[string][]int, database string) *sampler {
	return &sampler{fixed: fixed, database: database,
		base: map[procKey]uint64{}, last: map[procKey]uint64{}, group: map[procKey]string{}}
}

// run samples every interval until ctx ends, then once more.
func (s *sampler) run(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			s.take()
			return
		case <-tick.C:
			s.take()
		}
	}
}

// take records one sample.
func (s *sampler) take() {
	s.mu.Lock()
	defer s.mu.Unlock()
	baseline := len(s.samples) == 0
	for group, pids := range s.fixed {
		for _, pid := range pids {
			if st, err := readStat(pid); err == nil {
				s.observe(st, group, baseline)
			}
		}
	}
	if s.database != "" {
		pids, _ := postgresPIDs() // no /proc: Postgres is then not measured
		for _, pid := range pids {
			if st, err := readStat(pid); err == nil {
				s.observe(st, groupPostgres+":"+postgresClass(pid, s.database), baseline)
			}
		}
	}
	cpu := map[string]float64{}
	for k, ticks := range s.last {
		cpu[s.group[k]] += float64(ticks-s.base[k]) / clockTicks
	}
	s.samples = append(s.samples, sample{at: time.Now(), cpu: cpu})
}

func (s *sampler) observe(st procStat, group string, baseline bool) {
	if _, seen := s.base[st.key]; !seen {
		s.base[st.key] = 0 // started since the baseline: all its CPU is ours
		if baseline {
			s.base[st.key] = st.ticks
		}
	}
	s.last[st.key], s.group[st.key] = st.ticks, group
}

// taken returns the samples so far.
func (s *sampler) taken() []sample {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sample(nil), s.samples...)
}

// totals folds a sample's groups into the top-level groups, and gives the
// Postgres classes apart.
func totals(cpu map[string]float64) (byGroup, postgres map[string]float64) {
	byGroup, postgres = map[string]float64{}, map[string]float64{}
	for g, secs := range cpu {
		if class, ok := strings.CutPrefix(g, groupPostgres+":"); ok {
			postgres[class] += secs
			g = groupPostgres
		}
		byGroup[g] += secs
	}
	return byGroup, postgres
}

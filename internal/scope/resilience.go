package scope

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/settleflow/settleflow/internal/lifecycle"
	"github.com/settleflow/settleflow/internal/source"
)

// StepPolicy is how the activities of one step are timed and retried
// before the cycle blocks for an operator.
type StepPolicy struct {
	// Attempts is the most tries of one activity, the first included.
	Attempts int
	// FirstRetry is the wait after the first failure; each later wait
	// doubles, up to MaxRetry.
	FirstRetry time.Duration
	MaxRetry   time.Duration
	// Timeout bounds one attempt.
	Timeout time.Duration
	// Heartbeat is how long an attempt may go without a heartbeat before
	// its worker is taken for dead and the attempt is retried elsewhere.
	Heartbeat time.Duration
}

// StepUndo names the policy of compensations (the undo of a step).
const StepUndo = "undo"

// Resilience is the scope's retry policy: per step, and for the HTTP
// requests of its sources (see Source.Requests).
type Resilience struct {
	// Steps holds a policy for every step of lifecycle.Steps and StepUndo.
	Steps map[string]StepPolicy
}

// Step returns the policy of a step; a step the map lacks (as in cycles
// opened before policies were frozen) gets the built-in default.
func (r Resilience) Step(name string) StepPolicy {
	if p, ok := r.Steps[name]; ok {
		return p
	}
	return defaultFor(name, DefaultStepPolicy)
}

// defaultFor adapts the scope's default policy to a step.
func defaultFor(step string, p StepPolicy) StepPolicy {
	switch step {
	case lifecycle.StepPull:
		p.Timeout = max(p.Timeout, defaultPullTimeout)
	case StepUndo:
		p.Attempts = max(p.Attempts, defaultUndoAttempts)
	}
	return p
}

// The defaults ride out a database restart or a Temporal failover of a
// few minutes: with them a step keeps retrying for about three and a half
// minutes (1+2+4+8+16 s, then 30 s apart) before the cycle blocks, and a
// worker that dies mid-step is noticed within 30 s.
var (
	DefaultStepPolicy = StepPolicy{Attempts: 12, FirstRetry: time.Second, MaxRetry: 30 * time.Second,
		Timeout: 10 * time.Minute, Heartbeat: 30 * time.Second}
	// A slice pages through a large source in one attempt.
	defaultPullTimeout = 2 * time.Hour
	// An undo that keeps failing blocks too, but gets more tries first.
	defaultUndoAttempts = 24
	// DefaultRequests rides out a partner failing one request in five
	// (or throttling with Retry-After) for as long as a pull lasts: every
	// failed request is tried again up to five times within 45 s.
	DefaultRequests = source.Requests{Attempts: 6, Budget: 45 * time.Second, FirstRetry: 500 * time.Millisecond,
		MaxRetry: 8 * time.Second, ConnectTimeout: 10 * time.Second, HeaderTimeout: 30 * time.Second, Timeout: time.Minute}
)

// resilienceFile is the `resilience:` section.
type resilienceFile struct {
	Steps    stepsFile     `yaml:"steps"`
	Requests *requestsFile `yaml:"requests"`
}

// stepsFile names each step, so a misspelt one is an unknown key.
type stepsFile struct {
	Default   *stepFile `yaml:"default"`
	Open      *stepFile `yaml:"open"`
	Pull      *stepFile `yaml:"pull"`
	Validate  *stepFile `yaml:"validate"`
	Reconcile *stepFile `yaml:"reconcile"`
	Split     *stepFile `yaml:"split"`
	Approve   *stepFile `yaml:"approve"`
	Post      *stepFile `yaml:"post"`
	Publish   *stepFile `yaml:"publish"`
	Close     *stepFile `yaml:"close"`
	Undo      *stepFile `yaml:"undo"`
}

// stepFile is one step's policy; a key left out keeps the default's.
type stepFile struct {
	Attempts   *wholeNumber `yaml:"attempts"`
	FirstRetry *duration    `yaml:"first_retry"`
	MaxRetry   *duration    `yaml:"max_retry"`
	Timeout    *duration    `yaml:"timeout"`
	Heartbeat  *duration    `yaml:"heartbeat"`
}

// requestsFile is a request policy, for the scope or one source; a key
// left out keeps the scope's (or the built-in) value.
type requestsFile struct {
	Attempts       *wholeNumber `yaml:"attempts"`
	Budget         *duration    `yaml:"budget"`
	FirstRetry     *duration    `yaml:"first_retry"`
	MaxRetry       *duration    `yaml:"max_retry"`
	ConnectTimeout *duration    `yaml:"connect_timeout"`
	HeaderTimeout  *duration    `yaml:"header_timeout"`
	Timeout        *duration    `yaml:"timeout"`
}

// duration is a Go duration written as a string ("30s", "2h"); an error
// names its line.
type duration time.Duration

func (d *duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return fmt.Errorf("line %d: %q is not a Go duration such as \"30s\" or \"2h\"", n.Line, n.Value)
	}
	*d = duration(v)
	return nil
}

// build resolves the section over the defaults and gives every source its
// request policy: the scope's, with the keys of its own requests: over it.
func (f resilienceFile) build(s *Scope, sourceRequests []*requestsFile) error {
	def, err := f.Steps.Default.over(DefaultStepPolicy, "default")
	if err != nil {
		return err
	}
	s.Resilience.Steps = map[string]StepPolicy{}
	for _, st := range []struct {
		name string
		file *stepFile
	}{
		{lifecycle.StepOpen, f.Steps.Open}, {lifecycle.StepPull, f.Steps.Pull}, {lifecycle.StepValidate, f.Steps.Validate},
		{lifecycle.StepReconcile, f.Steps.Reconcile}, {lifecycle.StepSplit, f.Steps.Split}, {lifecycle.StepApprove, f.Steps.Approve}, {lifecycle.StepPost, f.Steps.Post},
		{lifecycle.StepPublish, f.Steps.Publish}, {lifecycle.StepClose, f.Steps.Close}, {StepUndo, f.Steps.Undo},
	} {
		p, err := st.file.over(defaultFor(st.name, def), st.name)
		if err != nil {
			return err
		}
		s.Resilience.Steps[st.name] = p
	}
	scopeRequests, err := f.Requests.over(DefaultRequests, "resilience.requests")
	if err != nil {
		return err
	}
	for i := range s.Sources {
		r, err := sourceRequests[i].over(scopeRequests, fmt.Sprintf("sources[%d].requests", i))
		if err != nil {
			return err
		}
		s.Sources[i].Requests = r
	}
	return nil
}

// over applies the keys the file sets to base and checks the result.
func (f *stepFile) over(base StepPolicy, name string) (StepPolicy, error) {
	p := base
	if f != nil {
		setInt(&p.Attempts, f.Attempts)
		setDuration(&p.FirstRetry, f.FirstRetry)
		setDuration(&p.MaxRetry, f.MaxRetry)
		setDuration(&p.Timeout, f.Timeout)
		setDuration(&p.Heartbeat, f.Heartbeat)
	}
	fail := func(format string, args ...any) (StepPolicy, error) {
		return StepPolicy{}, fmt.Errorf("resilience.steps.%s: "+format, append([]any{name}, args...)...)
	}
	switch {
	case p.Attempts < 1 || p.Attempts > 1000:
		return fail("attempts %d must be between 1 and 1000", p.Attempts)
	case p.FirstRetry <= 0 || p.MaxRetry < p.FirstRetry:
		return fail("first_retry %s must be positive and at most max_retry %s", p.FirstRetry, p.MaxRetry)
	case p.Timeout <= 0:
		return fail("timeout %s must be positive", p.Timeout)
	case p.Heartbeat < 3*time.Second || p.Heartbeat > p.Timeout:
		return fail("heartbeat %s must be at least 3s and at most the timeout %s", p.Heartbeat, p.Timeout)
	}
	return p, nil
}

// over applies the keys the file sets to base and checks the result.
func (f *requestsFile) over(base source.Requests, where string) (source.Requests, error) {
	r := base
	if f != nil {
		setInt(&r.Attempts, f.Attempts)
		setDuration(&r.Budget, f.Budget)
		setDuration(&r.FirstRetry, f.FirstRetry)
		setDuration(&r.MaxRetry, f.MaxRetry)
		setDuration(&r.ConnectTimeout, f.ConnectTimeout)
		setDuration(&r.HeaderTimeout, f.HeaderTimeout)
		setDuration(&r.Timeout, f.Timeout)
	}
	fail := func(format string, args ...any) (source.Requests, error) {
		return source.Requests{}, fmt.Errorf("%s: "+format, append([]any{where}, args...)...)
	}
	retries := r.Attempts > 1 || (r.Attempts == 0 && r.Budget > 0)
	switch {
	case r.Attempts < 0 || r.Budget < 0:
		return fail("attempts %d and budget %s must not be negative", r.Attempts, r.Budget)
	case retries && (r.FirstRetry <= 0 || r.MaxRetry < r.FirstRetry):
		return fail("first_retry %s must be positive and at most max_retry %s", r.FirstRetry, r.MaxRetry)
	case r.ConnectTimeout <= 0 || r.HeaderTimeout <= 0 || r.Timeout <= 0:
		return fail("connect_timeout, header_timeout and timeout must be positive")
	case r.HeaderTimeout > r.Timeout:
		return fail("header_timeout %s must be at most the timeout %s", r.HeaderTimeout, r.Timeout)
	}
	return r, nil
}

func setInt(dst *int, v *wholeNumber) {
	if v != nil {
		*dst = int(*v)
	}
}

func setDuration(dst *time.Duration, v *duration) {
	if v != nil {
		*dst = time.Duration(*v)
	}
}

package testenv

import (
	"context"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.temporal.io/sdk/client"
	"go.yaml.in/yaml/v3"

	"github.com/settleflow/settleflow/activities"
	"github.com/settleflow/settleflow/examples/config"
	"github.com/settleflow/settleflow/internal/catalog"
	"github.com/settleflow/settleflow/internal/platform"
	"github.com/settleflow/settleflow/internal/recon"
	"github.com/settleflow/settleflow/internal/record"
	"github.com/settleflow/settleflow/internal/scope"
	"github.com/settleflow/settleflow/internal/sim"
	"github.com/settleflow/settleflow/internal/store"
	"github.com/settleflow/settleflow/workflows"
)

// DemoScope is the embedded example scope the rigs settle.
const DemoScope = "demo-casino"

// FastTuning makes a failing step exhaust its retries in well under a
// second and a dead worker's pull retry within seconds.
var FastTuning = workflows.Tuning{MaxAttempts: 2, RetryInterval: 100 * time.Millisecond,
	ActivityDeadline: 30 * time.Second, PullHeartbeat: 5 * time.Second}

// Rig is one test's private settleflow: its own namespace on the shared
// dev server, database, simulated feed and in-process worker.
type Rig struct {
	Client    client.Client
	Namespace string
	Store     *store.Store
	DBURL     string
	Catalog   catalog.Catalog
	// World serves every source of the rig's scope; Sim is its aggregator,
	// SimConfig the aggregator's config.
	World       *sim.WorldServer
	WorldConfig sim.WorldConfig
	Sim         *sim.ProviderServer
	SimConfig   sim.ProviderConfig
	SimURL      string
	Env         map[string]string // environment the worker's activities see
}

// RigOptions shape a rig; zero values give the demo scope and a small feed.
type RigOptions struct {
	// Sim is the simulator config; zero RoundsPerDay means a small feed.
	Sim sim.ProviderConfig
	// World, when set, is the simulated world around Sim: its volumes and
	// breaks (its Provider is replaced by Sim, and its payout cut-off by
	// the scope's).
	World *sim.WorldConfig
	// Kinds are the kinds of the demo scope's sources the rig settles;
	// nil keeps the aggregator alone, which the pipeline tests are about.
	Kinds []string
	// ScopeYAML replaces the demo scope's file, for tests of other rules.
	ScopeYAML string
	// Feed wraps the simulator's handler, e.g. to make it fail on demand.
	Feed func(http.Handler) http.Handler
	// Env adds environment for the activities (e.g. alert webhook).
	Env map[string]string
	// WrongToken makes the feed refuse the source's bearer token.
	WrongToken bool
	// PageSize overrides the source's page_size (the limit it asks for).
	PageSize int
	// Slices overrides how many time slices the source's period is pulled
	// in; 1 makes the order of requests, and so the simulator's faults,
	// deterministic.
	Slices int
	// NoWorker leaves starting a worker (StartWorker, or a process) to the test.
	NoWorker bool
}

// NewRig builds and starts a rig; everything stops when the test ends.
func (t *Temporal) NewRig(tb testing.TB, o RigOptions) *Rig {
	tb.Helper()
	r := &Rig{Env: map[string]string{}}
	r.Client, r.Namespace = t.NewNamespace(tb)
	r.Store, r.DBURL = Database(tb)
	r.Catalog = onlyKinds(Catalog(tb, o.ScopeYAML), o.Kinds)
	if o.PageSize > 0 || o.Slices > 0 {
		r.Catalog = withSources(r.Catalog, func(s *scope.Source) {
			if o.PageSize > 0 {
				s.PageSize = o.PageSize
			}
			if o.Slices > 0 {
				s.Slices = o.Slices
			}
		})
	}

	cfg := o.Sim
	if cfg.RoundsPerDay == 0 {
		cfg = sim.DefaultProviderConfig()
		cfg.RoundsPerDay = 300
		cfg.Players = 50
	}
	sc, err := r.Catalog.Scope(DemoScope)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Token = sc.Sources[0].ResolveToken(r.getenv)
	if o.WrongToken {
		cfg.Token = "not-" + cfg.Token
	}
	r.WorldConfig = sim.DefaultWorldConfig()
	if o.World != nil {
		r.WorldConfig = *o.World
	}
	r.WorldConfig.Provider, r.WorldConfig.PayoutCutoff = cfg, PayoutCutoff(sc)
	world, err := sim.NewWorldServer(r.WorldConfig)
	if err != nil {
		tb.Fatal(err)
	}
	r.World, r.Sim, r.SimConfig = world, world.Provider(), cfg
	var h http.Handler = world
	if o.Feed != nil {
		h = o.Feed(h)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	r.SimURL = srv.URL
	for _, src := range sc.Sources {
		r.Env[src.URLEnv(sc.Name)] = srv.URL
	}
	for k, v := range o.Env {
		r.Env[k] = v
	}
	if !o.NoWorker {
		r.StartWorker(tb)
	}
	return r
}

// StartWorker runs an in-process worker in the rig's namespace until the
// test ends. Cleanups run last-in first-out, so it stops before the feed
// and the database go away.
func (r *Rig) StartWorker(tb testing.TB) {
	tb.Helper()
	w := platform.NewWorker(r.Client, r.Activities())
	if err := w.Start(); err != nil {
		tb.Fatalf("start worker: %v", err)
	}
	tb.Cleanup(w.Stop)
}

// Source is the demo scope's one source, as this rig's catalog has it.
func (r *Rig) Source(tb testing.TB) scope.Source {
	tb.Helper()
	sc, err := r.Catalog.Scope(DemoScope)
	if err != nil {
		tb.Fatal(err)
	}
	return sc.Sources[0]
}

// PayoutCutoff is when a scope's days end, as a UTC time of day: where a
// simulated PSP should close its business days so each period holds
// whole payout batches.
func PayoutCutoff(sc scope.Scope) time.Duration {
	return sim.CutoffOf(sc.Calendar.PeriodEndingAt(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)).End)
}

// onlyKinds keeps the demo scope's sources of the given kinds (nil: the
// aggregator), dropping a fallback that is not kept.
func onlyKinds(c catalog.Catalog, kinds []string) catalog.Catalog {
	if kinds == nil {
		kinds = []string{record.KindProvider}
	}
	sc, ok := c.Scopes[DemoScope]
	if !ok {
		return c
	}
	var kept []scope.Source
	names := map[string]bool{}
	for _, src := range sc.Sources {
		if slices.Contains(kinds, src.Kind) {
			kept, names[src.Name] = append(kept, src), true
		}
	}
	for i := range kept {
		if !names[kept[i].Fallback] {
			kept[i].Fallback, kept[i].FallbackKind, kept[i].FallbackMode = "", "", ""
		}
	}
	scopes := maps.Clone(c.Scopes)
	sc.Sources = kept
	sc.Reconciliation.Pairs = slices.DeleteFunc(slices.Clone(sc.Reconciliation.Pairs), func(p recon.Pair) bool {
		return !names[p.Left.Source] || !names[p.Right.Source]
	})
	scopes[DemoScope] = sc
	c.Scopes = scopes
	return c
}

// withSources edits every source of every scope of c.
func withSources(c catalog.Catalog, edit func(*scope.Source)) catalog.Catalog {
	scopes := map[string]scope.Scope{}
	for name, sc := range c.Scopes {
		sc.Sources = append([]scope.Source(nil), sc.Sources...) // the scope value shares its slice
		for i := range sc.Sources {
			edit(&sc.Sources[i])
		}
		scopes[name] = sc
	}
	c.Scopes = scopes
	return c
}

// Activities returns activities wired to this rig's database, catalog and
// feed, for a worker of the rig's own.
func (r *Rig) Activities() *activities.Activities {
	return &activities.Activities{Store: r.Store, Catalog: r.Catalog, Getenv: r.getenv,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
}

// getenv sees only the rig's Env, so the machine's environment cannot
// change what a test settles.
func (r *Rig) getenv(key string) string { return r.Env[key] }

// Context is a test context with a deadline.
func Context(tb testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	tb.Cleanup(cancel)
	return ctx
}

// Catalog is the embedded example configuration, with the demo scope's
// file replaced by scopeYAML when it is not empty.
func Catalog(tb testing.TB, scopeYAML string) catalog.Catalog {
	tb.Helper()
	files := map[string]string{}
	if scopeYAML != "" {
		files["scopes/"+DemoScope+".yaml"] = scopeYAML
	}
	return CatalogWith(tb, files)
}

// CatalogWith is the embedded example configuration with the given files
// (path → content, e.g. "agreements/acme-games.yaml") replaced or added.
func CatalogWith(tb testing.TB, files map[string]string) catalog.Catalog {
	tb.Helper()
	fsys := fstest.MapFS{}
	err := fs.WalkDir(config.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(config.FS, path)
		fsys[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	for path, content := range files {
		fsys[path] = &fstest.MapFile{Data: []byte(content)}
	}
	c, err := catalog.FromFS(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// DemoScopeYAML returns the embedded demo scope's file with each old string
// replaced by its new one, for scopes that differ in one rule.
func DemoScopeYAML(tb testing.TB, oldNew ...string) string {
	tb.Helper()
	data, err := fs.ReadFile(config.FS, "scopes/"+DemoScope+".yaml")
	if err != nil {
		tb.Fatal(err)
	}
	s := string(data)
	for i := 0; i+1 < len(oldNew); i += 2 {
		if !strings.Contains(s, oldNew[i]) {
			tb.Fatalf("demo scope has no %q to replace", oldNew[i])
		}
		s = strings.Replace(s, oldNew[i], oldNew[i+1], 1)
	}
	return s
}

// DemoScopeYAMLOf returns the embedded demo scope's file with the sources
// of the given kinds only (nil: the aggregator), as a rig with those Kinds
// settles it, for a worker process that must settle the same.
func DemoScopeYAMLOf(tb testing.TB, kinds []string) string {
	tb.Helper()
	if kinds == nil {
		kinds = []string{record.KindProvider}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(DemoScopeYAML(tb)), &doc); err != nil {
		tb.Fatal(err)
	}
	root := doc.Content[0]
	names := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "sources" {
			root.Content[i+1].Content = keepSources(root.Content[i+1].Content, kinds)
			for _, src := range root.Content[i+1].Content {
				names[field(src, "name")] = true
			}
		}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "reconciliation" {
			keepPairs(root.Content[i+1], names)
		}
	}
	var out strings.Builder
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2) // as the file is written
	if err := enc.Encode(&doc); err != nil {
		tb.Fatal(err)
	}
	return out.String()
}

// keepSources keeps the source mappings of the given kinds and drops a
// fallback naming one that is not kept.
func keepSources(sources []*yaml.Node, kinds []string) []*yaml.Node {
	var kept []*yaml.Node
	names := map[string]bool{}
	for _, src := range sources {
		if slices.Contains(kinds, field(src, "kind")) {
			kept, names[field(src, "name")] = append(kept, src), true
		}
	}
	for _, src := range kept {
		if fb := field(src, "fallback"); fb != "" && !names[fb] {
			var content []*yaml.Node
			for i := 0; i+1 < len(src.Content); i += 2 {
				if k := src.Content[i].Value; k != "fallback" && k != "fallback_mode" {
					content = append(content, src.Content[i], src.Content[i+1])
				}
			}
			src.Content = content
		}
	}
	return kept
}

// field is the value of key in a mapping node ("" if absent or not a
// scalar).
func field(m *yaml.Node, key string) string {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1].Value
		}
	}
	return ""
}

// keepPairs drops the reconciliation pairs naming a source not kept.
func keepPairs(section *yaml.Node, names map[string]bool) {
	for i := 0; i+1 < len(section.Content); i += 2 {
		if section.Content[i].Value != "pairs" {
			continue
		}
		pairs := section.Content[i+1]
		pairs.Content = slices.DeleteFunc(pairs.Content, func(pair *yaml.Node) bool {
			for j := 0; j+1 < len(pair.Content); j += 2 {
				if k := pair.Content[j].Value; (k == "left" || k == "right") && !names[field(pair.Content[j+1], "source")] {
					return true
				}
			}
			return false
		})
		if len(pairs.Content) == 0 {
			// Encoded as a block, an empty list would follow the key's
			// comment on a line of its own, which is not YAML.
			section.Content[i].LineComment, pairs.Style = "", yaml.FlowStyle
		}
	}
}

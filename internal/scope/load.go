package scope

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
)

// SourceCheck says whether a source can be pulled as configured — whether
// an adapter serves its kind, within that kind's limits; nil accepts any.
type SourceCheck func(Source) error

// LoadDir reads every *.yaml file directly in dir of fsys, one scope per file,
// keyed by scope name. The file must be named after its scope so an operator
// looking for a scope's config finds it by name, and two files can never
// define the same scope. Every source must pass check; one that does not is
// reported with the file and the line naming its kind.
func LoadDir(fsys fs.FS, dir string, check SourceCheck) (map[string]Scope, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("scope: listing %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("scope: no *.yaml scope files in %s", dir)
	}
	scopes := make(map[string]Scope, len(files))
	for _, file := range files {
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("scope: reading %s: %w", file, err)
		}
		s, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if want := strings.TrimSuffix(path.Base(file), ".yaml"); s.Name != want {
			return nil, fmt.Errorf("%s: scope %q must live in a file named %s.yaml", file, s.Name, s.Name)
		}
		if err := checkSources(s, check); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		scopes[s.Name] = s
	}
	return scopes, nil
}

func checkSources(s Scope, check SourceCheck) error {
	if check == nil {
		return nil
	}
	for _, src := range s.Sources {
		if err := check(src); err != nil {
			return fmt.Errorf("line %d: scope %s source %s: %w", src.KindLine, s.Name, src.Name, err)
		}
	}
	return nil
}

// AgreementPath is where the agreement file of partner lives for scopes read
// from scopesDir: ../agreements/<partner>.yaml beside the scopes directory.
func AgreementPath(scopesDir, partner string) string {
	return path.Join(scopesDir, "..", "agreements", partner+".yaml")
}

// URLEnv is the environment variable that overrides this source's URL in
// scope, e.g. SETTLEFLOW_SOURCE_DEMO_CASINO_AGGREGATOR_URL.
func (s Source) URLEnv(scope string) string {
	up := func(v string) string { return strings.ToUpper(strings.ReplaceAll(v, "-", "_")) }
	return "SETTLEFLOW_SOURCE_" + up(scope) + "_" + up(s.Name) + "_URL"
}

// ResolveURL returns the source URL, preferring the URLEnv override so one
// config file serves every environment. A nil getenv means os.Getenv.
func (s Source) ResolveURL(scope string, getenv func(string) string) string {
	if getenv == nil {
		getenv = os.Getenv
	}
	if v := getenv(s.URLEnv(scope)); v != "" {
		return v
	}
	return s.URL
}

// ResolveToken returns the bearer token from TokenEnv, falling back to the
// inline Token (meant for dev and demo only) when that variable is unset or
// empty. A nil getenv means os.Getenv.
func (s Source) ResolveToken(getenv func(string) string) string {
	if getenv == nil {
		getenv = os.Getenv
	}
	if s.TokenEnv != "" {
		if v := getenv(s.TokenEnv); v != "" {
			return v
		}
	}
	return s.Token
}

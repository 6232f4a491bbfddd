package scope

import "fmt"

// Fallback modes: who switches a failing source to its fallback.
const (
	// FallbackManual: the pull blocks and an operator may choose the
	// fallback (the fallback action), as well as retry, skip or abort.
	FallbackManual = "manual"
	// FallbackAuto: settleflow switches as soon as the source's pull has
	// failed after its retries, and the cycle goes on.
	FallbackAuto = "auto"
)

// checkFallbacks checks each source's fallback and fills in what it
// derives: the fallback names another source of the scope (whose records
// can then stand in for this one's, which the adapters' check decides by
// kind), not one that has a fallback of its own, and a mode is given only
// with a fallback and defaults to manual.
func checkFallbacks(sources []Source) error {
	byName := map[string]Source{}
	for _, s := range sources {
		byName[s.Name] = s
	}
	for i := range sources {
		s := &sources[i]
		switch {
		case s.Fallback == "" && s.FallbackMode != "":
			return fmt.Errorf("sources[%d]: source %s: fallback_mode %q without a fallback", i, s.Name, s.FallbackMode)
		case s.Fallback == "":
			continue
		case s.Fallback == s.Name:
			return fmt.Errorf("sources[%d]: source %s: fallback names the source itself", i, s.Name)
		}
		fb, ok := byName[s.Fallback]
		if !ok {
			return fmt.Errorf("sources[%d]: source %s: fallback %q is not a source of the scope", i, s.Name, s.Fallback)
		}
		if fb.Fallback != "" {
			return fmt.Errorf("sources[%d]: source %s: fallback %s has a fallback of its own (%s); a fallback must be pulled, not fall back",
				i, s.Name, fb.Name, fb.Fallback)
		}
		switch s.FallbackMode {
		case "":
			s.FallbackMode = FallbackManual
		case FallbackManual, FallbackAuto:
		default:
			return fmt.Errorf("sources[%d]: source %s: fallback_mode %q: want %s or %s", i, s.Name, s.FallbackMode, FallbackManual, FallbackAuto)
		}
		s.FallbackKind = fb.Kind
	}
	return nil
}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// checkOutput refuses an --output value the command does not print.
func checkOutput(value string, allowed ...string) error {
	if !slices.Contains(allowed, value) {
		return fmt.Errorf("--output %q: want one of %v", value, allowed)
	}
	return nil
}

// printJSON writes v as indented JSON, the form scripts read.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Package config embeds the example configuration that settleflow falls back
// to when no config directory is given, so the demo runs from a bare binary.
package config

import "embed"

// FS holds scopes/*.yaml and agreements/*.yaml; agreement files sit beside
// the scopes directory, where scope.AgreementPath expects them.
//
//go:embed scopes/*.yaml agreements/*.yaml
var FS embed.FS

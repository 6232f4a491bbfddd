// Package temporalconfig holds the Temporal settings settleflow needs from a
// server: its namespace, custom search attributes and dev-server dynamic
// config. They live in dev-server.yaml so operators read one file.
package temporalconfig

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
)

//go:embed dev-server.yaml
var devServerYAML []byte

// Config is the parsed dev-server.yaml.
type Config struct {
	Namespace        string            `yaml:"namespace"`
	FrontendPort     int               `yaml:"frontend_port"`
	UIPort           int               `yaml:"ui_port"`
	SearchAttributes map[string]string `yaml:"search_attributes"`
	DynamicConfig    map[string]any    `yaml:"dynamic_config"`
}

// Default returns the embedded configuration.
func Default() (Config, error) {
	var c Config
	if err := yaml.Unmarshal(devServerYAML, &c); err != nil {
		return Config{}, fmt.Errorf("temporal-config/dev-server.yaml: %w", err)
	}
	if c.Namespace == "" {
		return Config{}, fmt.Errorf("temporal-config/dev-server.yaml: namespace is empty")
	}
	return c, nil
}

// StartDevArgs returns the flags for `temporal server start-dev` other than
// the ports and the database file, in a stable order.
func (c Config) StartDevArgs() ([]string, error) {
	extra, err := c.ExtraArgs()
	return append([]string{"--namespace", c.Namespace}, extra...), err
}

// ExtraArgs are the search-attribute and dynamic-config flags alone, for
// launchers that set the namespace themselves.
func (c Config) ExtraArgs() ([]string, error) {
	var args []string
	for _, name := range slices.Sorted(maps.Keys(c.SearchAttributes)) {
		args = append(args, "--search-attribute", name+"="+c.SearchAttributes[name])
	}
	for _, key := range slices.Sorted(maps.Keys(c.DynamicConfig)) {
		value, err := json.Marshal(c.DynamicConfig[key])
		if err != nil {
			return nil, fmt.Errorf("dynamic config %s: %w", key, err)
		}
		args = append(args, "--dynamic-config-value", key+"="+string(value))
	}
	return args, nil
}

// FrontendAddress is the dev server's gRPC address on loopback.
func (c Config) FrontendAddress() string {
	return "127.0.0.1:" + strconv.Itoa(c.FrontendPort)
}

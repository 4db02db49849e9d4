package main

import (
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/settle-sim/settle/engine/yamlkeys"
)

// checkConfigKeys reports keys given twice in the configuration file, with
// both positions, before viper reads it (viper's own message gives only
// lines, as an unmarshal error). A file that is not YAML is left to viper
// to report.
func checkConfigKeys(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	return yamlkeys.Duplicates(file, &doc).Err()
}

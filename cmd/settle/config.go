package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/settle-sim/settle/engine/project"
)

// config reads settle's own settings with viper: flags override SETTLE_*
// environment variables, which override settle.yaml in the working
// directory (or the file named by --config), which override defaults.
// Users' scenario and rule files are not read through viper.
func config(cmd *cobra.Command) (*viper.Viper, error) {
	v := viper.New()
	v.SetEnvPrefix("SETTLE")
	v.AutomaticEnv()
	if err := v.BindPFlags(cmd.Flags()); err != nil {
		return nil, err
	}
	file, _ := cmd.Flags().GetString("config")
	if file == "" {
		// Only settle.yaml or settle.yml: viper's own search would also
		// take a file named plain "settle", such as the built command.
		for _, name := range []string{"settle.yaml", "settle.yml"} {
			if _, err := os.Stat(name); err == nil {
				file = name
				break
			}
		}
	}
	if file == "" {
		return v, nil
	}
	// Only a regular file of a sensible size: a FIFO would block, a
	// device never end.
	if fi, err := os.Stat(file); err == nil && (!fi.Mode().IsRegular() || fi.Size() > project.DefaultMaxScenario) {
		what := project.Describe(fi.Mode()) + ", not a regular file"
		if fi.Mode().IsRegular() {
			what = "larger than " + project.FormatSize(project.DefaultMaxScenario)
		}
		return nil, fmt.Errorf("configuration %s: it is %s", file, what)
	}
	if err := checkConfigKeys(file); err != nil {
		return nil, err
	}
	v.SetConfigFile(file)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("configuration %s: %w", file, err)
	}
	return v, nil
}

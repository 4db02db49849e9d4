package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"
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
	if file, _ := cmd.Flags().GetString("config"); file != "" {
		v.SetConfigFile(file)
	} else {
		v.SetConfigName("settle")
		v.SetConfigType("yaml")
		v.AddConfigPath(".")
	}
	if err := v.ReadInConfig(); err != nil {
		var notFound viper.ConfigFileNotFoundError
		if !errors.As(err, &notFound) {
			return nil, fmt.Errorf("configuration: %w", err)
		}
	}
	return v, nil
}

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print settle's version, module version and VCS revision",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprint(cmd.OutOrStdout(), engine.BuildInfo())
			return nil
		},
	}
}

// setVersion gives root a --version flag that prints what settle
// version does.
func setVersion(root *cobra.Command) {
	root.Version = engine.Version
	root.SetVersionTemplate(engine.BuildInfo().String())
}

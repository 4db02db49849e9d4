package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print settle's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), "settle", engine.Version)
			return nil
		},
	}
}

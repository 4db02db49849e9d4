package main

import (
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/parquetfile"
	"github.com/settle-sim/settle/engine/samples"
)

// addSamplesFlag adds --samples FILE to a command that runs scenarios.
func addSamplesFlag(cmd *cobra.Command) {
	cmd.Flags().String("samples", "", "also save every trial's outputs and sampled inputs to `FILE`: CSV if it ends .csv, Parquet if .parquet, else settle's binary samples format (for settle compare)")
}

// writeSamples writes the run's per-trial samples to the file --samples
// names, if any, in the format its extension asks for (see writeFile).
func writeSamples(cmd *cobra.Command, res *engine.Result) error {
	path, _ := cmd.Flags().GetString("samples")
	if path == "" {
		return nil
	}
	set := samples.FromResult(res)
	var write func(io.Writer) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		write = func(w io.Writer) error { return samples.WriteCSV(w, set) }
	case ".parquet":
		write = func(w io.Writer) error { return parquetfile.Write(w, parquetfile.FromSet(set)) }
	default:
		write = func(w io.Writer) error { return samples.Write(w, set) }
	}
	if err := writeFile(cmd, path, write); err != nil {
		return failed(exitBadInput, err)
	}
	return nil
}
